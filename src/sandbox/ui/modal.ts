import type { FormValues, ModalView } from '../api.js';
import { renderBlocks } from './blocks.js';
import type { RenderContext } from './context.js';
import { trapFocus } from './dialog.js';
import { h } from './dom.js';
import { Form, type FieldValue } from './form.js';
import type { Block, Element, OptionObject, View } from './kit.js';
import { plainText } from './mrkdwn.js';

export interface ModalHandlers {
  /** Context for the view's blocks; onAction must add the view id and the form's state. */
  ctxFor(view: View, form: Form): RenderContext;
  submit(viewId: string, values: FormValues, form: Form): Promise<string | null>;
  close(viewId: string): void;
  /** A modal opened or the last one closed: the page behind is inert while one is open. */
  onOpenChange(open: boolean): void;
}

/**
 * The top of a person's modal stack, as a dialog over the page: named by its title, focus
 * kept inside, Escape closes it. When the app updates the open view (same id), what the
 * person typed is carried into the new blocks, as Slack keeps input state by block_id.
 */
export class ModalHost {
  /** Where focus was before the first modal of the stack opened; it goes back there at the end. */
  private returnTo: HTMLElement | null = null;
  private current: { id: string; key: string; form: Form; release: () => void; root: HTMLElement } | null =
    null;

  constructor(
    private readonly host: HTMLElement,
    private readonly handlers: ModalHandlers,
  ) {}

  get openViewId(): string | null {
    return this.current?.id ?? null;
  }

  show(top: ModalView | undefined): void {
    if (!top) return this.hide();
    const view = top.view as unknown as View & { id: string; hash?: string };
    const key = JSON.stringify(top);
    if (this.current?.key === key) return;
    if (!this.current)
      this.returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const sameView = this.current?.id === view.id;
    const carried = sameView && this.current ? this.current.form.values() : {};
    const focusedBlock = sameView
      ? document.activeElement?.closest('[data-block-id]')?.getAttribute('data-block-id')
      : null;
    this.teardown(false);

    const form = new Form();
    const shown: View = { ...view, blocks: withValues(view.blocks, carried) };
    const ctx = { ...this.handlers.ctxFor(shown, form), errors: top.errors };
    const titleId = `modal-title-${view.id}`;
    const general = h('div', { className: 'form-error', role: 'alert', hidden: true });
    const submitText = view.submit?.text;
    const closeText = view.close?.text ?? (submitText ? 'Cancel' : 'Close');
    let busy = false;
    const onSubmit = async (e: Event): Promise<void> => {
      e.preventDefault();
      if (busy || !form.validate()) return;
      busy = true;
      submitButton?.setAttribute('aria-disabled', 'true');
      try {
        const problem = await this.handlers.submit(view.id, form.values(), form);
        general.hidden = !problem;
        general.textContent = problem ?? '';
      } finally {
        busy = false;
        submitButton?.removeAttribute('aria-disabled');
      }
    };
    const submitButton = submitText
      ? h('button', { type: 'submit', className: 'btn primary' }, submitText)
      : null;
    const body = h('div', { className: 'dialog-body' }, general, renderBlocks(shown.blocks, ctx));
    const dialog = h(
      'form',
      {
        role: 'dialog',
        'aria-modal': 'true',
        'aria-labelledby': titleId,
        className: 'dialog modal',
        novalidate: true,
        onsubmit: (e: Event) => void onSubmit(e),
      },
      h(
        'header',
        { className: 'dialog-head' },
        h('h2', { id: titleId }, plainText(view.title?.text ?? 'Modal')),
        h(
          'button',
          {
            type: 'button',
            className: 'icon-btn',
            'aria-label': 'Close',
            onclick: () => this.handlers.close(view.id),
          },
          '✕',
        ),
      ),
      body,
      h(
        'footer',
        { className: 'dialog-foot' },
        h(
          'button',
          { type: 'button', className: 'btn', onclick: () => this.handlers.close(view.id) },
          closeText,
        ),
        submitButton,
      ),
    );
    const root = h('div', { className: 'backdrop' }, dialog);
    this.host.append(root);
    const release = trapFocus(dialog, () => this.handlers.close(view.id));
    this.current = { id: view.id, key, form, release, root };
    this.handlers.onOpenChange(true);
    const again = focusedBlock ? form.fields.get(focusedBlock) : undefined;
    if (again) {
      again.focus();
      const el = document.activeElement;
      if (el instanceof HTMLInputElement && el.type === 'text')
        el.setSelectionRange(el.value.length, el.value.length);
    } else {
      const auto = dialog.querySelector<HTMLElement>('[autofocus]');
      const first = [...form.fields.values()][0];
      if (auto) auto.focus();
      else if (first) first.focus();
      else (submitButton ?? dialog.querySelector<HTMLElement>('button'))?.focus();
    }
  }

  hide(): void {
    this.teardown(true);
  }

  private teardown(restoreFocus: boolean): void {
    if (!this.current) return;
    const { release, root } = this.current;
    this.current = null;
    root.remove();
    if (restoreFocus) {
      this.handlers.onOpenChange(false);
      release();
      if (this.returnTo?.isConnected) this.returnTo.focus();
      this.returnTo = null;
    }
  }
}

/** The blocks with what the person has typed so far as each input's initial value. */
function withValues(blocks: readonly Block[], values: Readonly<Record<string, FieldValue>>): Block[] {
  return blocks.map((b) => {
    if (b.type !== 'input' || !b.element || !b.block_id || !(b.block_id in values)) return b;
    return { ...b, element: seed(b.element, values[b.block_id] ?? null) };
  });
}

function seed(el: Element, v: FieldValue): Element {
  const list = Array.isArray(v) ? v : v === null || v === '' ? [] : [String(v)];
  const options: OptionObject[] = [
    ...(el.options ?? []),
    ...(el.option_groups ?? []).flatMap((g) => g.options),
  ];
  const one = list[0];
  const rest: Element = { ...el };
  delete rest.initial_value;
  delete rest.initial_option;
  delete rest.initial_options;
  delete rest.initial_user;
  delete rest.initial_users;
  switch (el.type) {
    case 'static_select':
    case 'radio_buttons': {
      const o = options.find((x) => x.value === one);
      return o ? { ...rest, initial_option: o } : rest;
    }
    case 'multi_static_select':
    case 'checkboxes':
      return { ...rest, initial_options: options.filter((o) => list.includes(o.value)) };
    case 'users_select':
      return one ? { ...rest, initial_user: one } : rest;
    case 'multi_users_select':
      return { ...rest, initial_users: list };
    case 'conversations_select':
    case 'channels_select':
      return { ...el, initial_conversation: one, initial_channel: one };
    case 'datepicker':
      return { ...el, initial_date: one };
    case 'timepicker':
      return { ...el, initial_time: one };
    case 'datetimepicker':
      return { ...el, initial_date_time: typeof v === 'number' ? v : undefined };
    default:
      return one === undefined ? rest : { ...rest, initial_value: String(v) };
  }
}
