/**
 * Block Kit limits from Slack's reference (docs.slack.dev/reference/block-kit), as a pure
 * module. The embedded Slack runs these on every message and view it receives, so a test fails
 * where real Slack would answer `invalid_blocks` / `invalid_arguments` — long after the
 * unit tests passed, in front of a user, with a text that happened to be long that day.
 *
 * Lengths are counted in UTF-16 code units (`string.length`). That counts an emoji as two,
 * which is at least as strict as Slack, so a text that passes here passes there.
 */

/** One broken rule: a stable rule id, where it is (`blocks[3].elements[0].text`), and what is wrong. */
export interface Problem {
  rule: string;
  path: string;
  message: string;
}

/** The numbers, named, so a test can build a value exactly at or one past a limit. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  viewTitle: 24,
  viewButton: 24,
  callbackId: 255,
  externalId: 255,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  placeholder: 150,
  selectOptions: 100,
  optionGroups: 100,
  optionGroupLabel: 75,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  overflowOptions: 5,
  radioOrCheckboxOptions: 10,
  imageAltText: 2000,
  imageTitle: 2000,
  markdownBlockText: 12_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems while walking a message or view; `path` grows as it descends. */
class Walk {
  readonly problems: Problem[] = [];

  add(rule: string, path: string, message: string): void {
    this.problems.push({ rule, path, message });
  }

  /** An optional string field, at most `max` long. */
  maxLength(rule: string, path: string, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max)
      this.add(rule, path, `${value.length} chars > ${max}`);
  }

  /** An array's length within [min, max]; a missing array counts as empty. */
  count(rule: string, path: string, value: unknown, min: number, max: number, what: string): unknown[] {
    const items = Array.isArray(value) ? value : [];
    if (value !== undefined && !Array.isArray(value)) this.add(rule, path, `${what} is not an array`);
    else if (items.length < min || items.length > max) {
      this.add(
        rule,
        path,
        items.length > max ? `${items.length} ${what} > ${max}` : `${items.length} ${what} < ${min}`,
      );
    }
    return items;
  }
}

interface TextRule {
  /** Longest text Slack takes here. */
  max: number;
  /** Headers, labels, button texts, view titles… take plain_text only. */
  plainOnly?: boolean;
  /** The rule id for the length limit, e.g. `section.text_length`. */
  rule: string;
}

/**
 * A text object ({type, text}). Slack rejects any type but plain_text/mrkdwn, an empty
 * `text` ("must be more than 0 characters"), and mrkdwn where only plain_text is allowed.
 */
function checkText(w: Walk, path: string, obj: unknown, r: TextRule): void {
  if (!isObj(obj)) return w.add('text.invalid', path, 'not a text object');
  if (obj.type !== 'plain_text' && obj.type !== 'mrkdwn')
    w.add('text.type', path, `text type ${String(obj.type)}`);
  else if (r.plainOnly && obj.type !== 'plain_text')
    w.add('text.plain_text_only', path, 'must be plain_text');
  if (typeof obj.text !== 'string' || obj.text.length === 0) return w.add('text.empty', path, 'empty text');
  w.maxLength(r.rule, path, obj.text, r.max);
}

/** A text object that may be absent; present, it must be valid. */
function checkOptionalText(w: Walk, path: string, obj: unknown, r: TextRule): void {
  if (obj !== undefined) checkText(w, path, obj, r);
}

// --- composition objects -------------------------------------------------------------

/** Options in selects and overflow menus: text ≤ 75, value ≤ 150, description ≤ 75. */
function checkOption(w: Walk, path: string, option: unknown, plainOnly: boolean): void {
  if (!isObj(option)) return w.add('option.invalid', path, 'not an option object');
  checkText(w, `${path}.text`, option.text, {
    max: LIMITS.optionText,
    plainOnly,
    rule: 'option.text_length',
  });
  if (typeof option.value !== 'string' || option.value.length === 0)
    w.add('option.value_missing', path, 'option without value');
  w.maxLength('option.value_length', `${path}.value`, option.value, LIMITS.optionValue);
  checkOptionalText(w, `${path}.description`, option.description, {
    max: LIMITS.optionDescription,
    plainOnly,
    rule: 'option.description_length',
  });
  w.maxLength('option.url_length', `${path}.url`, option.url, LIMITS.url);
}

function checkOptions(w: Walk, path: string, options: unknown[], plainOnly: boolean): void {
  options.forEach((o, i) => checkOption(w, `${path}[${i}]`, o, plainOnly));
}

/** A confirm dialog on a button or select: title ≤ 100, text ≤ 300, confirm/deny ≤ 30. */
function checkConfirm(w: Walk, path: string, confirm: unknown): void {
  if (confirm === undefined) return;
  if (!isObj(confirm)) return w.add('confirm.invalid', path, 'not a confirmation object');
  checkText(w, `${path}.title`, confirm.title, {
    max: LIMITS.confirmTitle,
    plainOnly: true,
    rule: 'confirm.title_length',
  });
  checkText(w, `${path}.text`, confirm.text, { max: LIMITS.confirmText, rule: 'confirm.text_length' });
  checkText(w, `${path}.confirm`, confirm.confirm, {
    max: LIMITS.confirmButton,
    plainOnly: true,
    rule: 'confirm.button_length',
  });
  checkText(w, `${path}.deny`, confirm.deny, {
    max: LIMITS.confirmButton,
    plainOnly: true,
    rule: 'confirm.button_length',
  });
}

// --- block elements ------------------------------------------------------------------

/** What every interactive element shares: action_id ≤ 255, placeholder ≤ 150 plain_text, confirm. */
function checkCommonElementFields(w: Walk, path: string, el: Obj): void {
  w.maxLength('action_id.length', `${path}.action_id`, el.action_id, LIMITS.actionId);
  checkOptionalText(w, `${path}.placeholder`, el.placeholder, {
    max: LIMITS.placeholder,
    plainOnly: true,
    rule: 'placeholder.length',
  });
  checkConfirm(w, `${path}.confirm`, el.confirm);
}

function checkButton(w: Walk, path: string, el: Obj): void {
  checkText(w, `${path}.text`, el.text, {
    max: LIMITS.buttonText,
    plainOnly: true,
    rule: 'button.text_length',
  });
  w.maxLength('button.value_length', `${path}.value`, el.value, LIMITS.buttonValue);
  w.maxLength('button.url_length', `${path}.url`, el.url, LIMITS.url);
  if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
    w.add('button.style', `${path}.style`, `style ${String(el.style)} is not primary or danger`);
  }
}

/** The initial option(s) of a select/radio/checkboxes must be one of its options, or Slack rejects the whole message. */
function checkInitialOptions(w: Walk, path: string, el: Obj, options: unknown[]): void {
  const initial = [
    el.initial_option,
    ...(Array.isArray(el.initial_options) ? el.initial_options : []),
  ].filter(isObj);
  const known = options.filter(isObj);
  for (const chosen of initial) {
    const match = known.some((o) => o.value === chosen.value && textOfObj(o.text) === textOfObj(chosen.text));
    if (!match)
      w.add(
        'select.initial_option_unknown',
        path,
        `initial option ${String(chosen.value)} is not among the options`,
      );
  }
}

const textOfObj = (v: unknown): unknown => (isObj(v) ? v.text : undefined);

/** static_select / multi_static_select: options (1..100) or option_groups (1..100), not both. */
function checkStaticSelect(w: Walk, path: string, el: Obj): void {
  if (el.options !== undefined && el.option_groups !== undefined) {
    w.add('select.options_and_groups', path, 'options and option_groups both given');
  }
  const all: unknown[] = [];
  if (el.option_groups !== undefined) {
    const groups = w.count(
      'select.option_groups_count',
      `${path}.option_groups`,
      el.option_groups,
      1,
      LIMITS.optionGroups,
      'option groups',
    );
    groups.forEach((g, i) => all.push(...checkOptionGroup(w, `${path}.option_groups[${i}]`, g)));
  } else {
    const options = w.count(
      'select.options_count',
      `${path}.options`,
      el.options,
      1,
      LIMITS.selectOptions,
      'options',
    );
    checkOptions(w, `${path}.options`, options, true);
    all.push(...options);
  }
  checkInitialOptions(w, path, el, all);
  if (typeof el.max_selected_items === 'number' && el.max_selected_items < 1) {
    w.add('select.max_selected_items', path, 'max_selected_items < 1');
  }
}

function checkOptionGroup(w: Walk, path: string, group: unknown): unknown[] {
  if (!isObj(group)) {
    w.add('option_group.invalid', path, 'not an option group');
    return [];
  }
  checkText(w, `${path}.label`, group.label, {
    max: LIMITS.optionGroupLabel,
    plainOnly: true,
    rule: 'option_group.label_length',
  });
  const options = w.count(
    'option_group.options_count',
    `${path}.options`,
    group.options,
    1,
    LIMITS.selectOptions,
    'options',
  );
  checkOptions(w, `${path}.options`, options, true);
  return options;
}

/** overflow: 1..5 options (Slack's "minimum 1, maximum 5"), each may carry a url. */
function checkOverflow(w: Walk, path: string, el: Obj): void {
  const options = w.count(
    'overflow.options_count',
    `${path}.options`,
    el.options,
    1,
    LIMITS.overflowOptions,
    'options',
  );
  checkOptions(w, `${path}.options`, options, true);
}

/** radio_buttons / checkboxes: 1..10 options; their texts may be mrkdwn. */
function checkChoices(w: Walk, path: string, el: Obj): void {
  const options = w.count(
    'choices.options_count',
    `${path}.options`,
    el.options,
    1,
    LIMITS.radioOrCheckboxOptions,
    'options',
  );
  checkOptions(w, `${path}.options`, options, false);
  checkInitialOptions(w, path, el, options);
}

/** plain_text_input: max_length ≤ 3000, initial_value ≤ 3000 and ≤ max_length, min ≤ max. */
function checkPlainTextInput(w: Walk, path: string, el: Obj): void {
  const max = typeof el.max_length === 'number' ? el.max_length : LIMITS.plainTextInputLength;
  if (max > LIMITS.plainTextInputLength) {
    w.add(
      'plain_text_input.max_length',
      `${path}.max_length`,
      `max_length ${max} > ${LIMITS.plainTextInputLength}`,
    );
  }
  if (typeof el.min_length === 'number' && el.min_length > Math.min(max, LIMITS.plainTextInputLength)) {
    w.add(
      'plain_text_input.min_length',
      `${path}.min_length`,
      `min_length ${el.min_length} > max_length ${max}`,
    );
  }
  if (
    typeof el.initial_value === 'string' &&
    el.initial_value.length > Math.min(max, LIMITS.plainTextInputLength)
  ) {
    w.add(
      'plain_text_input.initial_value_length',
      `${path}.initial_value`,
      `initial_value ${el.initial_value.length} chars > max_length ${Math.min(max, LIMITS.plainTextInputLength)}`,
    );
  }
}

/** datepicker: initial_date must be YYYY-MM-DD. */
function checkDatepicker(w: Walk, path: string, el: Obj): void {
  if (
    el.initial_date !== undefined &&
    !(typeof el.initial_date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(el.initial_date))
  ) {
    w.add(
      'datepicker.initial_date',
      `${path}.initial_date`,
      `initial_date ${String(el.initial_date)} is not YYYY-MM-DD`,
    );
  }
}

/** number_input: is_decimal_allowed is required; initial/min/max are numeric strings. */
function checkNumberInput(w: Walk, path: string, el: Obj): void {
  if (typeof el.is_decimal_allowed !== 'boolean')
    w.add('number_input.is_decimal_allowed', path, 'is_decimal_allowed missing');
  for (const key of ['initial_value', 'min_value', 'max_value'] as const) {
    const v = el[key];
    if (v !== undefined && !(typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))) {
      w.add('number_input.value', `${path}.${key}`, `${key} ${String(v)} is not a numeric string`);
    }
  }
}

function checkImageElement(w: Walk, path: string, el: Obj): void {
  if (typeof el.alt_text !== 'string' || el.alt_text.length === 0)
    w.add('image.alt_text_missing', path, 'image without alt_text');
  w.maxLength('image.alt_text_length', `${path}.alt_text`, el.alt_text, LIMITS.imageAltText);
  w.maxLength('image.url_length', `${path}.image_url`, el.image_url, LIMITS.url);
}

type ElementCheck = (w: Walk, path: string, el: Obj) => void;

const ELEMENT_CHECKS: Record<string, ElementCheck> = {
  button: checkButton,
  static_select: checkStaticSelect,
  multi_static_select: checkStaticSelect,
  overflow: checkOverflow,
  radio_buttons: checkChoices,
  checkboxes: checkChoices,
  plain_text_input: checkPlainTextInput,
  datepicker: checkDatepicker,
  number_input: checkNumberInput,
  image: checkImageElement,
};

/** Elements whose only limits are the common ones (action_id, placeholder, confirm). */
const PLAIN_ELEMENTS = new Set([
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'external_select',
  'multi_external_select',
  'timepicker',
  'datetimepicker',
  'email_text_input',
  'url_text_input',
  'rich_text_input',
  'file_input',
  'workflow_button',
  'feedback_buttons',
  'icon_button',
]);

function checkElement(w: Walk, path: string, el: unknown): void {
  if (!isObj(el)) return w.add('element.invalid', path, 'not an element object');
  const type = typeof el.type === 'string' ? el.type : '';
  const specific = ELEMENT_CHECKS[type];
  if (!specific && !PLAIN_ELEMENTS.has(type))
    return w.add('element.type_unknown', path, `unknown element type ${String(el.type)}`);
  checkCommonElementFields(w, path, el);
  specific?.(w, path, el);
}

// --- blocks --------------------------------------------------------------------------

/** section: text or fields; text ≤ 3000; ≤ 10 fields of ≤ 2000 each; one accessory. */
function checkSection(w: Walk, path: string, b: Obj): void {
  if (b.text === undefined && b.fields === undefined)
    w.add('section.text_or_fields', path, 'section needs text or fields');
  checkOptionalText(w, `${path}.text`, b.text, { max: LIMITS.sectionText, rule: 'section.text_length' });
  if (b.fields !== undefined) {
    const fields = w.count(
      'section.fields_count',
      `${path}.fields`,
      b.fields,
      1,
      LIMITS.sectionFields,
      'fields',
    );
    fields.forEach((f, j) =>
      checkText(w, `${path}.fields[${j}]`, f, { max: LIMITS.sectionFieldText, rule: 'section.field_length' }),
    );
  }
  if (b.accessory !== undefined) checkElement(w, `${path}.accessory`, b.accessory);
}

/** header: plain_text only, ≤ 150. */
function checkHeader(w: Walk, path: string, b: Obj): void {
  checkText(w, `${path}.text`, b.text, {
    max: LIMITS.headerText,
    plainOnly: true,
    rule: 'header.text_length',
  });
}

/** context: 1..10 elements, each an image element or a text object. */
function checkContext(w: Walk, path: string, b: Obj): void {
  const elements = w.count(
    'context.elements_count',
    `${path}.elements`,
    b.elements,
    1,
    LIMITS.contextElements,
    'elements',
  );
  elements.forEach((e, j) => {
    const where = `${path}.elements[${j}]`;
    if (isObj(e) && e.type === 'image') checkImageElement(w, where, e);
    else checkText(w, where, e, { max: LIMITS.sectionText, rule: 'context.text_length' });
  });
}

/** actions: 1..25 interactive elements. */
function checkActions(w: Walk, path: string, b: Obj): void {
  const elements = w.count(
    'actions.elements_count',
    `${path}.elements`,
    b.elements,
    1,
    LIMITS.actionsElements,
    'elements',
  );
  elements.forEach((e, j) => checkElement(w, `${path}.elements[${j}]`, e));
}

/** input: plain_text label ≤ 2000 (required), hint ≤ 2000, exactly one element. */
function checkInput(w: Walk, path: string, b: Obj): void {
  checkText(w, `${path}.label`, b.label, {
    max: LIMITS.inputLabel,
    plainOnly: true,
    rule: 'input.label_length',
  });
  checkOptionalText(w, `${path}.hint`, b.hint, {
    max: LIMITS.inputHint,
    plainOnly: true,
    rule: 'input.hint_length',
  });
  if (b.element === undefined) return w.add('input.element_missing', path, 'input block without element');
  checkElement(w, `${path}.element`, b.element);
}

/** image block: image_url ≤ 3000 (or slack_file), alt_text ≤ 2000, title ≤ 2000 plain_text. */
function checkImageBlock(w: Walk, path: string, b: Obj): void {
  checkImageElement(w, path, b);
  checkOptionalText(w, `${path}.title`, b.title, {
    max: LIMITS.imageTitle,
    plainOnly: true,
    rule: 'image.title_length',
  });
}

/** markdown block: text ≤ 12,000. */
function checkMarkdownBlock(w: Walk, path: string, b: Obj): void {
  if (typeof b.text !== 'string' || b.text.length === 0)
    return w.add('markdown.empty', path, 'markdown block without text');
  w.maxLength('markdown.text_length', `${path}.text`, b.text, LIMITS.markdownBlockText);
}

const BLOCK_CHECKS: Record<string, (w: Walk, path: string, b: Obj) => void> = {
  section: checkSection,
  header: checkHeader,
  context: checkContext,
  actions: checkActions,
  input: checkInput,
  image: checkImageBlock,
  markdown: checkMarkdownBlock,
};

/** Block types Slack knows whose contents this module does not inspect. */
const OTHER_BLOCKS = new Set(['divider', 'rich_text', 'file', 'video', 'context_actions', 'table', 'call']);

function checkBlock(w: Walk, path: string, b: unknown, blockIds: Set<string>): void {
  if (!isObj(b)) return w.add('block.invalid', path, 'not a block object');
  // block_id: ≤ 255 and unique within one message or view.
  if (b.block_id !== undefined) {
    w.maxLength('block_id.length', `${path}.block_id`, b.block_id, LIMITS.blockId);
    const id = String(b.block_id);
    if (blockIds.has(id)) w.add('block_id.duplicate', `${path}.block_id`, `duplicate block_id ${id}`);
    blockIds.add(id);
  }
  const type = typeof b.type === 'string' ? b.type : '';
  const check = BLOCK_CHECKS[type];
  if (check) check(w, path, b);
  else if (!OTHER_BLOCKS.has(type)) w.add('block.type_unknown', path, `unknown block type ${String(b.type)}`);
}

function checkBlockList(w: Walk, blocks: unknown, max: number, ruleMax: string): void {
  if (!Array.isArray(blocks)) return w.add('blocks.invalid', 'blocks', 'blocks is not an array');
  if (blocks.length > max) w.add(ruleMax, 'blocks', `${blocks.length} blocks > ${max}`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => checkBlock(w, `blocks[${i}]`, b, ids));
}

// --- messages and views --------------------------------------------------------------

/** Problems with a chat message (chat.postMessage/update/postEphemeral, response_url): ≤ 50 blocks, text ≤ 40,000. */
export function findMessageProblems(blocks: unknown, text?: unknown): Problem[] {
  const w = new Walk();
  w.maxLength('message.text_length', 'text', text, LIMITS.messageText);
  if (blocks !== undefined) checkBlockList(w, blocks, LIMITS.messageBlocks, 'message.blocks_count');
  return w.problems;
}

/**
 * Problems with a view (views.open/push/update: a modal; views.publish: home). Modals need a
 * plain_text title ≤ 24; submit/close ≤ 24; a modal with an input block needs submit.
 */
export function findViewProblems(view: unknown, expectedType?: 'modal' | 'home'): Problem[] {
  const w = new Walk();
  if (!isObj(view)) {
    w.add('view.invalid', 'view', 'view is not an object');
    return w.problems;
  }
  checkViewType(w, view, expectedType);
  if (view.type === 'modal') checkModalChrome(w, view);
  w.maxLength('view.callback_id_length', 'callback_id', view.callback_id, LIMITS.callbackId);
  w.maxLength('view.external_id_length', 'external_id', view.external_id, LIMITS.externalId);
  w.maxLength(
    'view.private_metadata_length',
    'private_metadata',
    view.private_metadata,
    LIMITS.privateMetadata,
  );
  checkBlockList(w, view.blocks, LIMITS.viewBlocks, 'view.blocks_count');
  return w.problems;
}

function checkViewType(w: Walk, view: Obj, expectedType: 'modal' | 'home' | undefined): void {
  if (view.type !== 'modal' && view.type !== 'home')
    w.add('view.type', 'type', `view type ${String(view.type)}`);
  else if (expectedType && view.type !== expectedType)
    w.add('view.type', 'type', `view type ${view.type}, expected ${expectedType}`);
}

function checkModalChrome(w: Walk, view: Obj): void {
  if (view.title === undefined) w.add('view.title_missing', 'title', 'modal without title');
  else
    checkText(w, 'title', view.title, { max: LIMITS.viewTitle, plainOnly: true, rule: 'view.title_length' });
  checkOptionalText(w, 'submit', view.submit, {
    max: LIMITS.viewButton,
    plainOnly: true,
    rule: 'view.submit_length',
  });
  checkOptionalText(w, 'close', view.close, {
    max: LIMITS.viewButton,
    plainOnly: true,
    rule: 'view.close_length',
  });
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined)
    w.add('view.submit_missing', 'submit', 'input blocks without submit');
}

/** `path: message`, the form the string-returning checks use. */
export const formatProblem = (p: Problem): string => `${p.path}: ${p.message}`;

/** Problems with a chat message's blocks and fallback text; empty when Slack would accept it. */
export function checkMessageBlocks(blocks: unknown, text?: unknown): string[] {
  return findMessageProblems(blocks, text).map(formatProblem);
}

/** Problems with a modal or Home tab view; empty when Slack would accept it. */
export function checkView(view: unknown, expectedType?: 'modal' | 'home'): string[] {
  return findViewProblems(view, expectedType).map(formatProblem);
}
