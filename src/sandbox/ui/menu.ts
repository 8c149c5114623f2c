import { h, uid } from './dom.js';

export interface MenuItem {
  label: string;
  danger?: boolean;
  run(): void;
}

/**
 * A button that opens a menu (WAI-ARIA menu button): arrows move between items, Enter or a
 * click runs one, Escape or a click elsewhere closes it and gives focus back to the button.
 */
export function menuButton(opts: {
  label: string;
  icon: string;
  className?: string;
  items: () => MenuItem[];
}): HTMLElement {
  const id = uid('menu');
  const button = h(
    'button',
    {
      type: 'button',
      className: `menu-button ${opts.className ?? ''}`,
      'aria-label': opts.label,
      title: opts.label,
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'aria-controls': id,
    },
    opts.icon,
  );
  const wrap = h('span', { className: 'menu-wrap' }, button);
  let menu: HTMLElement | null = null;

  const close = (refocus: boolean): void => {
    if (!menu) return;
    menu.remove();
    menu = null;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside, true);
    if (refocus) button.focus();
  };
  const outside = (e: Event): void => {
    if (menu && !wrap.contains(e.target as Node)) close(false);
  };
  const open = (): void => {
    const items = opts.items().map((item) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          className: item.danger ? 'menu-item danger' : 'menu-item',
          tabindex: '-1',
          onclick: () => {
            close(true);
            item.run();
          },
        },
        item.label,
      ),
    );
    menu = h('div', { role: 'menu', id, className: 'menu', 'aria-label': opts.label }, ...items);
    menu.addEventListener('keydown', (e) => {
      const i = items.indexOf(document.activeElement as HTMLButtonElement);
      if (e.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
      else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
      else if (e.key === 'Home') items[0]?.focus();
      else if (e.key === 'End') items.at(-1)?.focus();
      else if (e.key === 'Escape' || e.key === 'Tab') {
        e.stopPropagation();
        close(e.key === 'Escape');
        return;
      } else return;
      e.preventDefault();
    });
    wrap.append(menu);
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('mousedown', outside, true);
    items[0]?.focus();
  };
  button.addEventListener('click', () => (menu ? close(true) : open()));
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && !menu) {
      e.preventDefault();
      open();
    }
  });
  return wrap;
}
