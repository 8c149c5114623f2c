import { h } from './dom.js';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab inside `root` (a modal dialog) and gives Escape to `onEscape`. Returns a function
 * that undoes it and puts focus back where it was.
 */
export function trapFocus(root: HTMLElement, onEscape: () => void): () => void {
  const before = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    const all = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
    const first = all[0];
    const last = all.at(-1);
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  root.addEventListener('keydown', onKey);
  return () => {
    root.removeEventListener('keydown', onKey);
    if (before && document.contains(before)) before.focus();
  };
}

/** The first field or button in `root`, for focus when a dialog opens. */
export function firstFocusable(root: HTMLElement): HTMLElement | null {
  return root.querySelector<HTMLElement>('[autofocus]') ?? root.querySelector<HTMLElement>(FOCUSABLE);
}

/**
 * A confirm object's question as an alertdialog over everything: resolves true on the
 * confirm button, false on the deny button, Escape or a click on the backdrop.
 */
export function askConfirm(opts: {
  title: string;
  body: Node;
  confirm: string;
  deny: string;
  danger: boolean;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = `confirm-title-${Date.now()}`;
    let release = (): void => {};
    const done = (answer: boolean): void => {
      release();
      backdrop.remove();
      resolve(answer);
    };
    const yes = h(
      'button',
      { type: 'button', className: opts.danger ? 'btn danger' : 'btn primary', onclick: () => done(true) },
      opts.confirm,
    );
    const box = h(
      'div',
      { role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': titleId, className: 'dialog confirm' },
      h('header', { className: 'dialog-head' }, h('h2', { id: titleId }, opts.title)),
      h('div', { className: 'dialog-body' }, opts.body),
      h(
        'footer',
        { className: 'dialog-foot' },
        h('button', { type: 'button', className: 'btn', onclick: () => done(false) }, opts.deny),
        yes,
      ),
    );
    const backdrop = h(
      'div',
      {
        className: 'backdrop confirm-backdrop',
        onmousedown: (e: MouseEvent) => e.target === backdrop && done(false),
      },
      box,
    );
    document.body.append(backdrop);
    release = trapFocus(box, () => done(false));
    yes.focus();
  });
}
