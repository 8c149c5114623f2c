import { h, type Child } from './dom.js';
import { emoji } from './emoji.js';

/**
 * Slack's mrkdwn as DOM. Nothing is ever parsed as HTML: every piece of text becomes a text
 * node, so whatever a person or the app wrote is shown, never run. Slack's three escapes
 * (&amp; &lt; &gt;) are decoded into those text nodes; `<…>` tokens are Slack's own
 * (mentions, links, dates), since the app escapes the `<` people type.
 */
export interface MrkdwnContext {
  personName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** The viewer's IANA time zone: `<!date^…>` renders in it, as Slack does for each reader. */
  tz: string;
  /** The app's now (the sandbox clock), for "Today"/"Yesterday" and "ago". */
  now(): Date;
}

const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** mrkdwn text → a fragment of blocks (paragraphs, lists, quotes, code blocks). */
export function mrkdwn(text: string, ctx: MrkdwnContext): DocumentFragment {
  const out = document.createDocumentFragment();
  const parts = text.split('```');
  parts.forEach((part, i) => {
    const isCode = i % 2 === 1 && i < parts.length - 1;
    if (isCode)
      out.append(h('pre', { className: 'md-pre' }, decode(part.replace(/^\n/, '').replace(/\n$/, ''))));
    else if (i % 2 === 1) out.append(...lines('```' + part, ctx));
    else out.append(...lines(part, ctx));
  });
  return out;
}

const QUOTE = /^(?:>|&gt;) ?/;
const BULLET = /^\s*(?:[•◦▪]|[-*](?= ))\s?/;
const NUMBERED = /^\s*(\d{1,3})[.)] /;

type Run = { kind: 'p' | 'quote' | 'ul' | 'ol'; lines: string[]; start?: number };

function lines(text: string, ctx: MrkdwnContext): Node[] {
  if (text === '') return [];
  const runs: Run[] = [];
  for (const line of text.split('\n')) {
    const numbered = NUMBERED.exec(line);
    const [kind, body]: [Run['kind'], string] = QUOTE.test(line)
      ? ['quote', line.replace(QUOTE, '')]
      : BULLET.test(line)
        ? ['ul', line.replace(BULLET, '')]
        : numbered
          ? ['ol', line.slice(numbered[0].length)]
          : ['p', line];
    const last = runs.at(-1);
    if (last && last.kind === kind) last.lines.push(body);
    else runs.push({ kind, lines: [body], ...(numbered ? { start: Number(numbered[1]) } : {}) });
  }
  return runs.map((run) => {
    switch (run.kind) {
      case 'quote':
        return h('blockquote', { className: 'md-quote' }, inline(run.lines.join('\n'), ctx));
      case 'ul':
        return h('ul', { className: 'md-list' }, ...run.lines.map((l) => h('li', {}, inline(l, ctx))));
      case 'ol':
        return h(
          'ol',
          { className: 'md-list', start: run.start ?? 1 },
          ...run.lines.map((l) => h('li', {}, inline(l, ctx))),
        );
      default:
        return h('div', { className: 'md-p' }, inline(run.lines.join('\n'), ctx));
    }
  });
}

// The earliest of: a Slack token, inline code, bold, italic, strike, an emoji shortcode.
const INLINE =
  /<([^<>\n]+)>|`([^`\n]+)`|(?<![\p{L}\p{N}*])\*(?! )([^*\n]+?)(?<! )\*(?![\p{L}\p{N}*])|(?<![\p{L}\p{N}_])_(?! )([^_\n]+?)(?<! )_(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}~])~(?! )([^~\n]+?)(?<! )~(?![\p{L}\p{N}~])|:([a-z0-9_+'-]+):/gu;

/** Inline mrkdwn → nodes. */
/** Plain words, with bare web addresses made links as Slack's client does. */
function words(raw: string): Child[] {
  const text = decode(raw);
  const out: Child[] = [];
  let at = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>]+[^\s<>.,;:!?)'"]/g)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer' }, m[0]));
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

export function inline(text: string, ctx: MrkdwnContext): Child[] {
  const out: Child[] = [];
  let at = 0;
  const re = new RegExp(INLINE.source, INLINE.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push(...words(text.slice(at, m.index)));
    at = m.index + m[0].length;
    const [, token, code, bold, italic, strike, shortcode] = m;
    if (token !== undefined) out.push(slackToken(token, ctx));
    else if (code !== undefined) out.push(h('code', { className: 'md-code' }, decode(code)));
    else if (bold !== undefined) out.push(h('strong', {}, inline(bold, ctx)));
    else if (italic !== undefined) out.push(h('em', {}, inline(italic, ctx)));
    else if (strike !== undefined) out.push(h('s', {}, inline(strike, ctx)));
    else if (shortcode !== undefined) out.push(emojiNode(shortcode));
  }
  if (at < text.length) out.push(...words(text.slice(at)));
  return out;
}

function emojiNode(name: string): Child {
  const e = emoji(name);
  return e.startsWith(':')
    ? e
    : h('span', { className: 'emoji', role: 'img', 'aria-label': name.replace(/_/g, ' ') }, e);
}

/** Plain text as Slack shows it: no formatting, shortcodes as emoji when `emoji` is on. */
export function plainText(text: string, withEmoji = true): Child[] {
  if (!withEmoji) return [text];
  const out: Child[] = [];
  let at = 0;
  for (const m of text.matchAll(/:([a-z0-9_+'-]+):/g)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push(emojiNode(m[1]!));
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

function slackToken(token: string, ctx: MrkdwnContext): Child {
  const bar = token.indexOf('|');
  const target = bar < 0 ? token : token.slice(0, bar);
  const label = bar < 0 ? undefined : decode(token.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = ctx.personName(id) ?? label ?? id;
    return h('span', { className: 'mention', 'data-user': id }, `@${name}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return h('span', { className: 'mention channel' }, `#${ctx.channelName(id) ?? label ?? id}`);
  }
  if (target.startsWith('!date^')) return slackDate(target, label, ctx);
  if (target.startsWith('!subteam^')) return h('span', { className: 'mention' }, label ?? '@group');
  if (target.startsWith('!')) {
    const word = target.slice(1);
    return h('span', { className: 'mention broadcast' }, `@${word}`);
  }
  const url = decode(target);
  if (/^(https?:|mailto:)/i.test(url))
    return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label ?? url);
  return decode(`<${token}>`);
}

/** `<!date^epoch^format^link|fallback>` in the viewer's zone; the fallback when it cannot be read. */
function slackDate(target: string, fallback: string | undefined, ctx: MrkdwnContext): Child {
  const [, epoch, format = '', link] = target.split('^');
  const seconds = Number(epoch);
  if (!Number.isFinite(seconds)) return fallback ?? target;
  const text = formatSlackDate(new Date(seconds * 1000), decode(format), ctx.tz, ctx.now());
  const iso = new Date(seconds * 1000).toISOString();
  const time = h('time', { datetime: iso, title: iso }, text);
  return link && /^https?:/i.test(link)
    ? h('a', { href: link, target: '_blank', rel: 'noopener noreferrer' }, time)
    : time;
}

const ordinal = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = tz + JSON.stringify(opts);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, ...opts });
    formatters.set(key, f);
  }
  return f;
}

function partsOf(d: Date, tz: string): Record<string, string> {
  const parts: Record<string, string> = {};
  const f = fmt(tz, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of f.formatToParts(d)) parts[p.type] = p.value;
  return parts;
}

const dayKey = (d: Date, tz: string): string =>
  fmt(tz, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** Slack's date tokens ({date_num}, {date}, {date_short}, {date_long}, *_pretty, {time}, {time_secs}, {ago}). */
export function formatSlackDate(d: Date, format: string, tz: string, now: Date): string {
  const p = partsOf(d, tz);
  const day = Number(p.day);
  const month = p.month ?? '';
  const short = month.slice(0, 3);
  const num = fmt(tz, { year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(d)
    .reduce<Record<string, string>>((a, x) => ({ ...a, [x.type]: x.value }), {});
  const dates = {
    date_num: `${num.year}-${num.month}-${num.day}`,
    date: `${month} ${ordinal(day)}, ${p.year}`,
    date_short: `${short} ${day}, ${p.year}`,
    date_long: `${p.weekday}, ${month} ${ordinal(day)}, ${p.year}`,
  };
  const relative = (): string | undefined => {
    const k = dayKey(d, tz);
    const dayMs = 86_400_000;
    if (k === dayKey(now, tz)) return 'Today';
    if (k === dayKey(new Date(now.getTime() - dayMs), tz)) return 'Yesterday';
    if (k === dayKey(new Date(now.getTime() + dayMs), tz)) return 'Tomorrow';
    return undefined;
  };
  const time = `${p.hour}:${p.minute} ${p.dayPeriod ?? ''}`.trim();
  return format.replace(/\{(\w+)\}/g, (whole, token: string) => {
    switch (token) {
      case 'date_num':
      case 'date':
      case 'date_short':
      case 'date_long':
        return dates[token];
      case 'date_pretty':
        return relative() ?? dates.date;
      case 'date_short_pretty':
        return relative() ?? dates.date_short;
      case 'date_long_pretty':
        return relative() ?? dates.date_long;
      case 'time':
        return time;
      case 'time_secs':
        return `${p.hour}:${p.minute}:${p.second} ${p.dayPeriod ?? ''}`.trim();
      case 'ago':
        return ago(d, now);
      default:
        return whole;
    }
  });
}

function ago(d: Date, now: Date): string {
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  const future = s < 0;
  const abs = Math.abs(s);
  const [n, unit] =
    abs < 60
      ? [abs, 'second']
      : abs < 3600
        ? [Math.floor(abs / 60), 'minute']
        : abs < 86400
          ? [Math.floor(abs / 3600), 'hour']
          : [Math.floor(abs / 86400), 'day'];
  const words = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return future ? `in ${words}` : `${words} ago`;
}
