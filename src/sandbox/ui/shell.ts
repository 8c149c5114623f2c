import type { ClockRequest, Person } from '../api.js';
import { h, replace } from './dom.js';

/**
 * The page's frame, laid out like Slack's web client: banner, top bar (acting as, the app's
 * clock, reset), sidebar, the conversation with its composer, the thread pane, the modal layer
 * and the notices. It owns DOM only; main.ts decides what goes in it.
 */
export class Shell {
  readonly messages = h('ul', { className: 'messages', 'aria-label': 'Messages' });
  readonly threadMessages = h('ul', {
    className: 'messages thread-messages',
    'aria-label': 'Thread messages',
  });
  readonly home = h('div', { className: 'home-tab' });
  readonly modalHost = h('div', { className: 'modal-layer' });

  onSend: (text: string, where: HTMLElement) => Promise<boolean> = async () => false;
  onThreadSend: (text: string, where: HTMLElement) => Promise<boolean> = async () => false;
  onCloseThread: () => void = () => {};
  onScrollTop: () => void = () => {};

  private readonly topBar = h('div', { className: 'topbar-controls' });
  private readonly sidebar = h('nav', { className: 'sidebar', 'aria-label': 'Channels and direct messages' });
  private readonly header = h('header', { className: 'conv-head' });
  private readonly older = h('div', { className: 'older' });
  private readonly empty = h('p', { className: 'empty', hidden: true }, 'No messages yet.');
  private readonly scroller = h(
    'div',
    { className: 'scroller', role: 'log', 'aria-label': 'Messages', 'aria-live': 'polite' },
    this.older,
    this.empty,
    this.messages,
  );
  private readonly composer: Composer;
  private readonly threadComposer: Composer;
  private readonly threadTitle = h('div', { className: 'thread-channel' });
  private readonly threadScroller = h('div', { className: 'scroller' }, this.threadMessages);
  private readonly thread: HTMLElement;
  private readonly conversation: HTMLElement;
  private readonly toasts = h('div', { className: 'toasts', role: 'status', 'aria-live': 'polite' });
  private readonly clock = h('time', { className: 'clock', id: 'app-clock' });
  private readonly connection = h('span', { className: 'connection', hidden: true }, 'Reconnecting…');
  private clockButtons: HTMLButtonElement[] = [];

  constructor(root: HTMLElement) {
    this.composer = new Composer('Message', (t, w) => this.onSend(t, w));
    this.threadComposer = new Composer('Reply in thread', (t, w) => this.onThreadSend(t, w));
    this.thread = h(
      'aside',
      { className: 'thread', 'aria-label': 'Thread', hidden: true },
      h(
        'header',
        { className: 'thread-head' },
        h('div', {}, h('h2', {}, 'Thread'), this.threadTitle),
        h(
          'button',
          {
            type: 'button',
            className: 'icon-btn',
            'aria-label': 'Close thread',
            onclick: () => this.onCloseThread(),
          },
          '✕',
        ),
      ),
      this.threadScroller,
      this.threadComposer.node,
    );
    this.conversation = h(
      'main',
      { className: 'conversation' },
      this.header,
      this.scroller,
      this.home,
      this.composer.node,
    );
    this.home.hidden = true;
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < 40) this.onScrollTop();
    });
    root.replaceChildren(
      h(
        'div',
        { className: 'app' },
        h(
          'div',
          { className: 'banner', role: 'note' },
          'Sandbox — a local stand-in for Slack. Nothing here reaches a real workspace.',
        ),
        h(
          'div',
          { className: 'topbar' },
          h('span', { className: 'brand' }, 'Labbook sandbox'),
          this.connection,
          this.topBar,
        ),
        h('div', { className: 'workspace' }, this.sidebar, this.conversation, this.thread),
        this.modalHost,
        this.toasts,
      ),
    );
  }

  renderTopBar(o: {
    people: readonly Person[];
    as: string;
    onAs(id: string): void;
    now: Date;
    tz: string;
    nextDigestAt: string | null;
    onClock(req: ClockRequest): void;
    onReset(): void;
  }): void {
    const select = h(
      'select',
      { id: 'acting-as', className: 'select', onchange: () => o.onAs(select.value) },
      ...o.people.map((p) =>
        h('option', { value: p.id, selected: p.id === o.as }, `${p.name}${p.title ? ` — ${p.title}` : ''}`),
      ),
    );
    const clockButton = (label: string, req: ClockRequest, title: string): HTMLButtonElement =>
      h('button', { type: 'button', className: 'btn small', title, onclick: () => o.onClock(req) }, label);
    this.clockButtons = [
      clockButton('+1 hour', { advance: 'PT1H' }, "Move the app's clock one hour on"),
      clockButton('+1 day', { advance: 'P1D' }, "Move the app's clock one day on"),
      clockButton('To the next digest', { to: 'next-digest' }, ''),
      clockButton(
        'To the next message',
        { to: 'next-message' },
        "Move the app's clock to when Labbook next has something to send: a check-in, a reminder, an invitation, a pre-read or a digest",
      ),
    ];
    this.topBar.replaceChildren(
      h('span', { className: 'acting' }, h('label', { for: 'acting-as' }, 'Acting as'), select),
      h(
        'span',
        { className: 'clock-group', role: 'group', 'aria-label': "App's clock" },
        this.clock,
        ...this.clockButtons,
      ),
      h(
        'button',
        { type: 'button', className: 'btn small danger-outline', onclick: () => o.onReset() },
        'Reset sandbox',
      ),
    );
    this.setClock(o.now, o.tz, o.nextDigestAt);
  }

  setClock(now: Date, tz: string, nextDigestAt: string | null): void {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    this.clock.textContent = f.format(now);
    this.clock.dateTime = now.toISOString();
    this.clock.title = `${now.toISOString()} (${tz})`;
    const toDigest = this.clockButtons[2];
    if (toDigest) {
      toDigest.disabled = !nextDigestAt;
      toDigest.title = nextDigestAt
        ? `Move the app's clock to ${f.format(new Date(nextDigestAt))}, when the next digest is due`
        : 'No digest is scheduled';
    }
  }

  renderSidebar(o: {
    team: string;
    channels: { id: string; label: string }[];
    dm: { id: string; label: string } | null;
    current: string;
    onGo(id: string): void;
  }): void {
    const link = (id: string, label: string): HTMLElement =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            className: id === o.current ? 'nav-item current' : 'nav-item',
            'aria-current': id === o.current ? 'page' : null,
            onclick: () => o.onGo(id),
          },
          label,
        ),
      );
    replace(
      this.sidebar,
      h('div', { className: 'team' }, o.team),
      h('h2', { className: 'nav-title', id: 'nav-channels' }, 'Channels'),
      h('ul', { 'aria-labelledby': 'nav-channels' }, ...o.channels.map((c) => link(c.id, c.label))),
      o.dm ? h('h2', { className: 'nav-title', id: 'nav-apps' }, `Apps · ${o.dm.label}`) : null,
      o.dm
        ? h('ul', { 'aria-labelledby': 'nav-apps' }, link(o.dm.id, 'Messages'), link('home', 'Home'))
        : null,
    );
  }

  renderHeader(o: { title: string; topic?: string; home: boolean }): void {
    replace(this.header, h('h1', {}, o.title), o.topic ? h('span', { className: 'topic' }, o.topic) : null);
    this.messages.setAttribute('aria-label', o.title);
    this.scroller.setAttribute('aria-label', o.title);
  }

  setComposer(label: string): void {
    this.composer.setLabel(label);
  }

  showHome(home: boolean): void {
    this.home.hidden = !home;
    this.scroller.hidden = home;
    this.composer.node.hidden = home;
    if (home) this.thread.hidden = true;
  }

  showOlder(hasMore: boolean, load: () => void): void {
    this.older.replaceChildren(
      hasMore
        ? h('button', { type: 'button', className: 'btn small', onclick: load }, 'Load older messages')
        : '',
    );
  }

  showEmpty(empty: boolean): void {
    this.empty.hidden = !empty;
  }

  showThread(open: boolean, channel?: string): void {
    this.thread.hidden = !open;
    if (!open) this.threadMessages.replaceChildren();
    if (channel) this.threadTitle.textContent = channel;
  }

  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 60;
  }

  /**
   * Messages off screen are laid out at an estimated height until first shown, so the bottom
   * moves once the last ones render: settle it over the next two frames.
   */
  scrollToBottom(): void {
    const s = this.scroller;
    s.scrollTop = s.scrollHeight;
    requestAnimationFrame(() => {
      s.scrollTop = s.scrollHeight;
      requestAnimationFrame(() => (s.scrollTop = s.scrollHeight));
    });
  }

  scrollHeight(): number {
    return this.scroller.scrollHeight;
  }

  /** After older messages were put above, keeps the ones the person was reading in place. */
  keepScroll(before: number): void {
    this.scroller.scrollTop += this.scroller.scrollHeight - before;
  }

  threadAtBottom(): boolean {
    const s = this.threadScroller;
    return this.thread.hidden || s.scrollHeight - s.scrollTop - s.clientHeight < 60;
  }

  threadScrollToBottom(): void {
    this.threadScroller.scrollTop = this.threadScroller.scrollHeight;
  }

  focusComposer(): void {
    this.composer.focus();
  }

  focusThreadComposer(): void {
    this.threadComposer.focus();
  }

  /** A notice in the status region; the same words already showing are not said twice. */
  toast(text: string, kind: 'error' | 'info'): void {
    if ([...this.toasts.querySelectorAll('.toast-text')].some((t) => t.textContent === text)) return;
    // The ✕ is drawn by CSS, so the region's text is the notice alone.
    const close = h('button', { type: 'button', className: 'icon-btn dismiss', 'aria-label': 'Dismiss' });
    const t = h('div', { className: `toast ${kind}` }, h('span', { className: 'toast-text' }, text), close);
    close.addEventListener('click', () => t.remove());
    this.toasts.append(t);
    setTimeout(() => t.remove(), kind === 'error' ? 12_000 : 5_000);
  }

  /** An error shown where the message would have gone (above the composer that sent it). */
  inlineError(where: HTMLElement, message: string): void {
    const slot = where.closest('.composer')?.querySelector('.composer-error');
    if (slot instanceof HTMLElement) {
      slot.textContent = message;
      slot.hidden = false;
    } else this.toast(message, 'error');
  }

  /** While a modal is open, nothing behind it can be focused, clicked or read out. */
  setInert(inert: boolean): void {
    for (const el of [this.sidebar, this.conversation, this.thread, this.topBar]) el.inert = inert;
  }

  setConnected(connected: boolean): void {
    this.connection.hidden = connected;
  }

  fatal(message: string): void {
    this.scroller.replaceChildren(h('p', { className: 'refusal', role: 'alert' }, message));
  }
}

/** A message box: Enter sends, Shift+Enter starts a new line; an error shows above it. */
class Composer {
  readonly node: HTMLElement;
  private readonly box: HTMLTextAreaElement;
  private readonly error = h('div', { className: 'composer-error', role: 'alert', hidden: true });

  constructor(
    label: string,
    private readonly send: (text: string, where: HTMLElement) => Promise<boolean>,
  ) {
    this.box = h('textarea', { className: 'composer-box', rows: 1, 'aria-label': label, placeholder: label });
    const button = h(
      'button',
      { type: 'submit', className: 'btn primary send', 'aria-label': 'Send', title: 'Send (Enter)' },
      'Send',
    );
    const form = h(
      'form',
      {
        className: 'composer',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void this.submit();
        },
      },
      this.error,
      h('div', { className: 'composer-row' }, this.box, button),
      h(
        'div',
        { className: 'composer-hint', 'aria-hidden': 'true' },
        'Enter to send · Shift+Enter for a new line · /hypothesis help',
      ),
    );
    this.node = form;
    this.box.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        void this.submit();
      }
    });
    this.box.addEventListener('input', () => this.grow());
  }

  setLabel(label: string): void {
    this.box.setAttribute('aria-label', label);
    this.box.placeholder = label;
  }

  focus(): void {
    this.box.focus();
  }

  private grow(): void {
    this.box.style.height = 'auto';
    this.box.style.height = `${Math.min(this.box.scrollHeight, 200)}px`;
  }

  private async submit(): Promise<void> {
    const text = this.box.value.trim();
    if (!text) return;
    this.error.hidden = true;
    const sent = await this.send(text, this.box);
    if (sent) {
      if (this.box.value.trim() === text) this.box.value = '';
      this.grow();
    }
  }
}
