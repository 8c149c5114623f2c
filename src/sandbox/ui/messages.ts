import type { Message } from '../api.js';
import { renderBlocks } from './blocks.js';
import type { RenderContext } from './context.js';
import { h } from './dom.js';
import type { Block } from './kit.js';
import { menuButton, type MenuItem } from './menu.js';
import { mrkdwn } from './mrkdwn.js';

/** What a message needs beyond its JSON: the render context for its blocks, and its menu. */
export interface MessageContext {
  /** The context with onAction bound to this message. */
  ctxFor(message: Message): RenderContext;
  authorName(message: Message): string;
  isBot(message: Message): boolean;
  /** The "More actions" menu of a message (shortcuts, reply in thread). */
  menu(message: Message): MenuItem[];
  /** Open the thread of a top-level message; absent inside the thread pane. */
  openThread?(message: Message): void;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function timeFormat(tz: string, long: boolean): Intl.DateTimeFormat {
  const key = `${tz}|${long}`;
  let f = timeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      'en-US',
      long
        ? { timeZone: tz, dateStyle: 'full', timeStyle: 'short' }
        : { timeZone: tz, hour: 'numeric', minute: '2-digit' },
    );
    timeFormats.set(key, f);
  }
  return f;
}

export const tsDate = (ts: string): Date => new Date(Math.round(Number(ts) * 1000));

function avatar(name: string, bot: boolean): HTMLElement {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  const initials = name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return h(
    'span',
    { className: bot ? 'avatar bot' : `avatar hue-${hash % 6}`, 'aria-hidden': 'true' },
    bot ? 'L' : initials,
  );
}

/** One message as the viewer sees it; the same JSON always gives the same DOM. */
export function renderMessage(m: Message, mc: MessageContext): HTMLElement {
  const ctx = mc.ctxFor(m);
  const when = tsDate(m.ts);
  const name = mc.authorName(m);
  const bot = mc.isBot(m);
  const kindClass = m.kind === 'message' ? '' : ` ${m.kind}`;
  const header = h(
    'div',
    { className: 'msg-head' },
    h('span', { className: 'msg-author' }, m.kind === 'notice' ? 'Slackbot' : name),
    bot && m.kind !== 'notice' ? h('span', { className: 'app-tag' }, 'APP') : null,
    h(
      'time',
      { className: 'msg-time', datetime: when.toISOString(), title: timeFormat(ctx.tz, true).format(when) },
      timeFormat(ctx.tz, false).format(when),
    ),
    m.edited ? h('span', { className: 'edited' }, '(edited)') : null,
  );
  const onlyYou =
    m.kind === 'ephemeral' || m.kind === 'notice' || m.kind === 'refused'
      ? h('div', { className: 'only-you' }, h('span', { 'aria-hidden': 'true' }, '👁 '), 'Only visible to you')
      : null;
  const body =
    m.kind === 'refused' && m.refusal
      ? h(
          'div',
          { className: 'refusal', role: 'alert' },
          h('strong', {}, `Slack refused ${m.refusal.method}: ${m.refusal.error}`),
          m.refusal.reasons.length ? h('ul', {}, ...m.refusal.reasons.map((r) => h('li', {}, r))) : null,
        )
      : m.blocks?.length
        ? h('div', { className: 'msg-blocks' }, renderBlocks(m.blocks as unknown as Block[], ctx))
        : h('div', { className: 'msg-text' }, mrkdwn(m.text, ctx));
  const files = m.files.length
    ? h(
        'div',
        { className: 'files' },
        ...m.files.map((f) =>
          f.mimetype.startsWith('image/')
            ? h(
                'figure',
                { className: 'file' },
                h('img', { src: f.url, alt: f.title || f.name, loading: 'lazy' }),
                h('figcaption', {}, f.title || f.name),
              )
            : h('a', { className: 'file', href: f.url, download: f.name }, f.title || f.name),
        ),
      )
    : null;
  const replies =
    mc.openThread && m.replyCount > 0
      ? h(
          'button',
          { type: 'button', className: 'replies-link', onclick: () => mc.openThread?.(m) },
          `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`,
        )
      : null;
  const items = mc.menu(m);
  const tools =
    m.kind === 'message'
      ? h(
          'div',
          { className: 'msg-tools' },
          mc.openThread
            ? h(
                'button',
                {
                  type: 'button',
                  className: 'tool',
                  'aria-label': 'Reply in thread',
                  title: 'Reply in thread',
                  onclick: () => mc.openThread?.(m),
                },
                '💬',
              )
            : null,
          items.length
            ? menuButton({ label: 'More actions', icon: '⋯', className: 'tool', items: () => mc.menu(m) })
            : null,
        )
      : null;
  return h(
    'li',
    {
      className: `msg${kindClass}`,
      'data-ts': m.ts,
      'aria-label': `${name}, ${timeFormat(ctx.tz, false).format(when)}`,
    },
    avatar(m.kind === 'notice' ? 'Slackbot' : name, bot),
    h('div', { className: 'msg-main' }, header, onlyYou, body, files, replies),
    tools,
  );
}

/** How many messages are put on the page at once; scrolling up adds as many again. */
const WINDOW = 60;

/**
 * A list of messages kept in step with the server. Only the latest WINDOW messages are
 * rendered at first, and more as the person scrolls up, so a long channel opens at once. A
 * message whose JSON did not change keeps its DOM (and any focus or open menu in it), so a
 * refetch after each event stays cheap.
 */
export class MessageList {
  private readonly rendered = new Map<string, { key: string; li: HTMLElement }>();
  private all: readonly Message[] = [];
  /** The oldest message on the page (by ts); null shows the latest WINDOW. */
  private firstShown: string | null = null;

  constructor(
    readonly ul: HTMLUListElement,
    private readonly mc: MessageContext,
    private readonly windowed = true,
  ) {}

  clear(): void {
    this.rendered.clear();
    this.all = [];
    this.firstShown = null;
    this.ul.replaceChildren();
  }

  /** Whether older messages are held but not yet on the page. */
  get hiddenOlder(): boolean {
    return this.from() > 0;
  }

  /** Puts the next WINDOW older messages on the page; false when all are there already. */
  showMore(): boolean {
    const from = this.from();
    if (from === 0) return false;
    this.firstShown = this.all[Math.max(0, from - WINDOW)]?.ts ?? null;
    this.draw();
    return true;
  }

  update(messages: readonly Message[]): void {
    this.all = messages;
    this.draw();
  }

  private from(): number {
    if (!this.windowed) return 0;
    if (this.firstShown === null) return Math.max(0, this.all.length - WINDOW);
    const first = this.firstShown;
    const i = this.all.findIndex((m) => m.ts >= first);
    return i < 0 ? Math.max(0, this.all.length - WINDOW) : i;
  }

  private draw(): void {
    const shown = this.all.slice(this.from());
    this.firstShown = shown[0]?.ts ?? null;
    const seen = new Set<string>();
    const lis: HTMLElement[] = [];
    for (const m of shown) {
      const id = `${m.kind}:${m.ts}`;
      seen.add(id);
      const key = JSON.stringify(m);
      const old = this.rendered.get(id);
      if (old && old.key === key) lis.push(old.li);
      else {
        const li = renderMessage(m, this.mc);
        this.rendered.set(id, { key, li });
        lis.push(li);
      }
    }
    for (const id of [...this.rendered.keys()]) if (!seen.has(id)) this.rendered.delete(id);
    // Only move what moved: appending new messages at the end touches nothing else.
    let cursor: ChildNode | null = this.ul.firstChild;
    for (const li of lis) {
      if (cursor === li) cursor = cursor.nextSibling;
      else this.ul.insertBefore(li, cursor);
    }
    while (cursor) {
      const next: ChildNode | null = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
  }
}
