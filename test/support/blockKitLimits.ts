/**
 * Block Kit limits from Slack's reference, checked by the fake Slack on every message and
 * view it receives, so a test fails where real Slack would answer invalid_blocks.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const textOf = (v: unknown): string | undefined => (isObj(v) && typeof v.text === 'string' ? v.text : undefined);

function checkText(where: string, obj: unknown, max: number, out: string[], plainOnly = false): void {
  if (obj === undefined) return;
  if (!isObj(obj)) return void out.push(`${where}: not a text object`);
  const text = textOf(obj);
  if (text === undefined || text.length === 0) out.push(`${where}: empty text`);
  else if (text.length > max) out.push(`${where}: ${text.length} chars > ${max}`);
  if (plainOnly && obj.type !== 'plain_text') out.push(`${where}: must be plain_text`);
}

function checkElement(where: string, el: unknown, out: string[]): void {
  if (!isObj(el)) return;
  if (typeof el.action_id === 'string' && el.action_id.length > 255) out.push(`${where}: action_id > 255`);
  switch (el.type) {
    case 'button':
      checkText(`${where}.text`, el.text, 75, out, true);
      if (typeof el.value === 'string' && el.value.length > 2000) out.push(`${where}: button value > 2000`);
      if (typeof el.url === 'string' && el.url.length > 3000) out.push(`${where}: url > 3000`);
      break;
    case 'static_select':
    case 'multi_static_select': {
      const options = arr(el.options);
      if (options.length > 100) out.push(`${where}: ${options.length} options > 100`);
      if (options.length === 0 && !el.option_groups) out.push(`${where}: select without options`);
      options.forEach((o, i) => checkOption(`${where}.options[${i}]`, o, out));
      if (el.placeholder) checkText(`${where}.placeholder`, el.placeholder, 150, out, true);
      break;
    }
    case 'overflow': {
      const n = arr(el.options).length;
      if (n < 1 || n > 5) out.push(`${where}: overflow with ${n} options`);
      break;
    }
    case 'radio_buttons':
    case 'checkboxes':
      if (arr(el.options).length > 10) out.push(`${where}: more than 10 options`);
      arr(el.options).forEach((o, i) => checkOption(`${where}.options[${i}]`, o, out));
      break;
    case 'plain_text_input': {
      const max = typeof el.max_length === 'number' ? el.max_length : 3000;
      if (max > 3000) out.push(`${where}: max_length ${max} > 3000`);
      if (typeof el.initial_value === 'string' && el.initial_value.length > max) {
        out.push(`${where}: initial_value longer than max_length`);
      }
      if (el.placeholder) checkText(`${where}.placeholder`, el.placeholder, 150, out, true);
      break;
    }
  }
}

function checkOption(where: string, option: unknown, out: string[]): void {
  if (!isObj(option)) return void out.push(`${where}: not an option`);
  checkText(`${where}.text`, option.text, 75, out);
  if (typeof option.value !== 'string' || option.value.length > 150) out.push(`${where}: value missing or > 150`);
}

function checkBlocks(blocks: unknown[], max: number, out: string[]): void {
  if (blocks.length > max) out.push(`${blocks.length} blocks > ${max}`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const where = `blocks[${i}]`;
    if (!isObj(b)) return void out.push(`${where}: not an object`);
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > 255) out.push(`${where}: block_id > 255`);
      if (ids.has(b.block_id)) out.push(`${where}: duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) out.push(`${where}: section needs text or fields`);
        checkText(`${where}.text`, b.text, 3000, out);
        const fields = arr(b.fields);
        if (fields.length > 10) out.push(`${where}: ${fields.length} fields > 10`);
        fields.forEach((f, j) => checkText(`${where}.fields[${j}]`, f, 2000, out));
        if (b.accessory) checkElement(`${where}.accessory`, b.accessory, out);
        break;
      }
      case 'header':
        checkText(`${where}.text`, b.text, 150, out, true);
        break;
      case 'context': {
        const elements = arr(b.elements);
        if (elements.length === 0 || elements.length > 10) out.push(`${where}: context with ${elements.length} elements`);
        elements.forEach((e, j) => isObj(e) && e.type !== 'image' && checkText(`${where}.elements[${j}]`, e, 3000, out));
        break;
      }
      case 'actions': {
        const elements = arr(b.elements);
        if (elements.length === 0 || elements.length > 25) out.push(`${where}: actions with ${elements.length} elements`);
        elements.forEach((e, j) => checkElement(`${where}.elements[${j}]`, e, out));
        break;
      }
      case 'input':
        checkText(`${where}.label`, b.label, 2000, out, true);
        if (b.hint) checkText(`${where}.hint`, b.hint, 2000, out, true);
        checkElement(`${where}.element`, b.element, out);
        break;
      case 'divider':
      case 'image':
      case 'rich_text':
        break;
      default:
        out.push(`${where}: unknown block type ${String(b.type)}`);
    }
  });
}

/** Problems with a chat message's blocks and fallback text; empty when Slack would accept it. */
export function checkMessageBlocks(blocks: unknown, text?: unknown): string[] {
  const out: string[] = [];
  if (typeof text === 'string' && text.length > 40_000) out.push(`text ${text.length} chars > 40000`);
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) out.push('blocks is not an array');
    else checkBlocks(blocks, 50, out);
  }
  return out;
}

/** Problems with a modal or Home tab view. */
export function checkView(view: unknown): string[] {
  const out: string[] = [];
  if (!isObj(view)) return ['view is not an object'];
  if (view.type !== 'modal' && view.type !== 'home') out.push(`view type ${String(view.type)}`);
  if (view.type === 'modal') {
    checkText('title', view.title, 24, out, true);
    if (view.submit) checkText('submit', view.submit, 24, out, true);
    if (view.close) checkText('close', view.close, 24, out, true);
    if (arr(view.blocks).some((b) => isObj(b) && b.type === 'input') && !view.submit) out.push('input blocks without submit');
  }
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) out.push('callback_id > 255');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) out.push('private_metadata > 3000');
  checkBlocks(arr(view.blocks), 100, out);
  return out;
}
