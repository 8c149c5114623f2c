import { h, uid, type Child } from './dom.js';
import { CONTROLS } from './controls.js';
import type { ElementAction, RenderContext } from './context.js';
import { checkValue } from './form.js';
import type { Block, ConfirmObject, Element, TextObject } from './kit.js';
import { menuButton } from './menu.js';
import { mrkdwn, plainText } from './mrkdwn.js';

/**
 * Block Kit → DOM, one function per block type and per element type, the way blocks/ builds
 * them: pure (JSON + context in, nodes out); what a person does goes to ctx.onAction.
 */
export function renderBlocks(blocks: readonly Block[], ctx: RenderContext): DocumentFragment {
  const out = document.createDocumentFragment();
  for (const block of blocks) {
    const render = BLOCKS[block.type];
    out.append(
      render ? render(block, ctx) : h('div', { className: 'block unknown' }, `[${block.type} block]`),
    );
  }
  return out;
}

/** A text object as Slack shows it. */
export function text(t: TextObject | undefined, ctx: RenderContext): Child[] | DocumentFragment {
  if (!t) return [];
  return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : plainText(t.text, t.emoji !== false);
}

const plainOf = (t: TextObject | undefined): string => t?.text ?? '';

type BlockRender = (b: Block, ctx: RenderContext) => Node;

const header: BlockRender = (b, ctx) =>
  h('div', { className: 'block header', role: 'heading', 'aria-level': '3' }, text(b.text, ctx));

const section: BlockRender = (b, ctx) => {
  const accessory = b.accessory ? element(b.accessory, b.block_id ?? '', ctx) : null;
  return h(
    'div',
    { className: `block section${accessory ? ' with-accessory' : ''}` },
    h(
      'div',
      { className: 'section-main' },
      b.text ? h('div', { className: 'section-text' }, text(b.text, ctx)) : null,
      b.fields?.length
        ? h(
            'div',
            { className: 'fields' },
            ...b.fields.map((f) => h('div', { className: 'field' }, text(f, ctx))),
          )
        : null,
    ),
    accessory ? h('div', { className: 'accessory' }, accessory) : null,
  );
};

const context: BlockRender = (b, ctx) =>
  h(
    'div',
    { className: 'block context' },
    ...(b.elements ?? []).map((e) =>
      e.type === 'image'
        ? imageElement(e as Element, '', ctx)
        : h('span', { className: 'context-item' }, text(e as TextObject, ctx)),
    ),
  );

const divider: BlockRender = () => h('hr', { className: 'block divider' });

const image: BlockRender = (b, ctx) => {
  const src = ctx.imageUrl({ url: b.image_url ?? b.slack_file?.url, fileId: b.slack_file?.id });
  return h(
    'figure',
    { className: 'block image' },
    b.title ? h('figcaption', {}, text(b.title, ctx)) : null,
    h('img', { src, alt: b.alt_text ?? '', loading: 'lazy' }),
  );
};

const actions: BlockRender = (b, ctx) =>
  h(
    'div',
    { className: 'block actions', role: 'group' },
    ...(b.elements ?? []).map((e) => element(e as Element, b.block_id ?? '', ctx)),
  );

/** An input block of a modal: its label, the control, the hint, and the error under it. */
const input: BlockRender = (b, ctx) => {
  const el = b.element;
  const build = el ? CONTROLS[el.type] : undefined;
  if (!el || !build) return h('div', { className: 'block unknown' }, `[input ${el?.type ?? ''}]`);
  const id = uid('input');
  const control = build(el, ctx, id);
  const blockId = b.block_id ?? '';
  const label = plainOf(b.label);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const error = h('div', { className: 'field-error', id: errorId, role: 'alert', hidden: true });
  const isGroup = el.type === 'checkboxes' || el.type === 'radio_buttons';
  const labelNode = isGroup
    ? h('div', { className: 'input-label', id: `${id}-label` }, label, b.optional ? optionalTag() : null)
    : h('label', { className: 'input-label', for: id }, label, b.optional ? optionalTag() : null);
  if (isGroup) control.node.setAttribute('aria-labelledby', `${id}-label`);
  const described = [b.hint ? hintId : null, errorId].filter(Boolean).join(' ');
  (isGroup ? control.node : control.focusable).setAttribute('aria-describedby', described);
  if (!b.optional && !isGroup) control.focusable.setAttribute('aria-required', 'true');

  const wrap = h(
    'div',
    { className: 'block input', 'data-block-id': blockId },
    labelNode,
    control.node,
    b.hint ? h('div', { className: 'hint', id: hintId }, text(b.hint, ctx)) : null,
    error,
  );
  const showError = (message: string | null): void => {
    error.hidden = !message;
    error.textContent = message ?? '';
    wrap.classList.toggle('has-error', !!message);
    (isGroup ? control.node : control.focusable).setAttribute('aria-invalid', message ? 'true' : 'false');
  };
  ctx.form?.add({
    blockId,
    actionId: el.action_id ?? '',
    type: el.type,
    label,
    optional: b.optional === true,
    value: control.value,
    check: () => checkValue(el, b.optional === true, control.value()),
    showError,
    focus: () => control.focusable.focus(),
  });
  const given = ctx.errors?.[blockId];
  if (given) showError(given);

  if (b.dispatch_action) {
    const triggers = el.dispatch_action_config?.trigger_actions_on ?? ['on_enter_pressed'];
    let timer: ReturnType<typeof setTimeout> | undefined;
    control.onChange((committed) => {
      // Slack's client dispatches only what it would accept (a whole number stays a whole number).
      const send = (): void => {
        if (checkValue(el, true, control.value())) return;
        ctx.onAction({ actionId: el.action_id ?? '', blockId, type: el.type, ...control.action() });
      };
      if (committed && (triggers.includes('on_enter_pressed') || !isText(el.type))) send();
      else if (!committed && triggers.includes('on_character_entered')) {
        clearTimeout(timer);
        timer = setTimeout(send, 250);
      }
    });
  }
  return wrap;
};

const isText = (type: string): boolean =>
  ['plain_text_input', 'number_input', 'url_text_input', 'email_text_input'].includes(type);
const optionalTag = (): Node => h('span', { className: 'optional' }, ' (optional)');

const richText: BlockRender = (b) => {
  // Messages people type arrive as rich_text; the page only needs their words.
  const words = (n: unknown): string => {
    if (!n || typeof n !== 'object') return '';
    const o = n as { text?: string; elements?: unknown[]; url?: string; name?: string };
    return o.text ?? (o.elements ? o.elements.map(words).join('') : (o.url ?? (o.name ? `:${o.name}:` : '')));
  };
  return h('div', { className: 'block rich-text md-p' }, words(b));
};

export const BLOCKS: Readonly<Record<string, BlockRender>> = {
  header,
  section,
  context,
  divider,
  image,
  actions,
  input,
  rich_text: richText,
};

// ---- elements -----------------------------------------------------------------------------

type ElementRender = (el: Element, blockId: string, ctx: RenderContext) => Node;

/** Runs the action once the person confirms (when the element carries a confirm object). */
async function act(el: Element, ctx: RenderContext, action: ElementAction): Promise<void> {
  if (el.confirm && !(await ctx.confirm(el.confirm))) return;
  ctx.onAction(action);
}

const button: ElementRender = (el, blockId, ctx) =>
  h(
    'button',
    {
      type: 'button',
      className: `btn${el.style ? ` ${el.style}` : ''}`,
      'aria-label': el.accessibility_label,
      onclick: () => {
        if (el.url) window.open(el.url, '_blank', 'noopener');
        void act(el, ctx, { actionId: el.action_id ?? '', blockId, type: 'button', value: el.value });
      },
    },
    plainText(plainOf(el.text), el.text?.emoji !== false),
  );

const overflow: ElementRender = (el, blockId, ctx) =>
  menuButton({
    label: 'More options',
    icon: '⋮',
    className: 'overflow',
    items: () =>
      (el.options ?? []).map((o) => ({
        label: o.text.text,
        run: () =>
          void act(el, ctx, {
            actionId: el.action_id ?? '',
            blockId,
            type: 'overflow',
            selectedOption: o.value,
          }),
      })),
  });

const imageElement: ElementRender = (el, _blockId, ctx) =>
  h('img', { className: 'image-element', src: ctx.imageUrl({ url: el.image_url }), alt: el.alt_text ?? '' });

/** A select, picker, checkbox or radio outside an input block: used at once, as in Slack. */
const controlElement: ElementRender = (el, blockId, ctx) => {
  const build = CONTROLS[el.type];
  if (!build) return h('span', { className: 'unknown' }, `[${el.type}]`);
  const control = build(el, ctx, uid('el'));
  control.focusable.setAttribute('aria-label', el.placeholder?.text ?? el.type.replace(/_/g, ' '));
  control.onChange((committed) => {
    if (committed)
      void act(el, ctx, { actionId: el.action_id ?? '', blockId, type: el.type, ...control.action() });
  });
  return h('span', { className: 'element-control' }, control.node);
};

const ELEMENTS: Readonly<Record<string, ElementRender>> = { button, overflow, image: imageElement };

/** An element in an actions block or a section's accessory. */
export function element(el: Element, blockId: string, ctx: RenderContext): Node {
  return (ELEMENTS[el.type] ?? controlElement)(el, blockId, ctx);
}

/** A confirm object's parts as the page's confirm dialog takes them. */
export function confirmParts(c: ConfirmObject, ctx: RenderContext) {
  const body = h('div', {}, text(c.text, ctx));
  return {
    title: plainOf(c.title) || 'Are you sure?',
    body,
    confirm: plainOf(c.confirm) || 'Yes',
    deny: plainOf(c.deny) || 'Cancel',
    danger: c.style === 'danger',
  };
}
