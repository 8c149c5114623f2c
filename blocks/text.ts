/**
 * Text that came from people (form fields, message text) is shown, never obeyed: Slack
 * parses `<!channel>`, `<@U…>` and `<url|label>` in mrkdwn, so the three control
 * characters are escaped as Slack documents, and the bare @channel/@here/@everyone
 * keywords get a zero-width joiner so no client turns them into a mention.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** Cuts text to `max` characters, marking the cut, so a Block Kit limit is never exceeded. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Escapes user text and fits it into `max` characters (escaping can lengthen it). */
export function userText(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
}

export const mention = (userId: string): string => `<@${userId}>`;

/**
 * A date Slack renders in each reader's own time zone; `fallback` is what clients that
 * cannot render it show.
 */
export function slackDate(instant: Date, fallback: string, format = '{date_short_pretty}'): string {
  return `<!date^${Math.floor(instant.getTime() / 1000)}^${format}|${fallback}>`;
}

export const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: true,
});
export const md = (text: string) => ({ type: 'mrkdwn' as const, text });

/** Plurals that are not the word plus "s"; everything Labbook counts is in here or regular. */
const IRREGULAR: Record<string, string> = {
  hypothesis: 'hypotheses',
  entry: 'entries',
  reply: 'replies',
  'log entry': 'log entries',
  'experiment log entry': 'experiment log entries',
  person: 'people',
  was: 'were',
  has: 'have',
};

/** The word for `n` of something: "day" or "days", "hypothesis" or "hypotheses". */
export function plural(n: number, word: string): string {
  if (n === 1) return word;
  return IRREGULAR[word] ?? `${word}s`;
}

/**
 * "1 day", "3 days", "1 hypothesis", "2 hypotheses", "1.5 days": every count a person reads
 * goes through here, so nothing says "1 days" or "project(s)". Fractions keep one decimal,
 * and a whole number shows none ("2 days", never "2.0 d").
 */
export function count(n: number, word: string): string {
  const shown = Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10);
  return `${shown} ${plural(Number(shown), word)}`;
}

/** "once", "twice", "3 times". */
export function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

/** Cuts at a word boundary, never mid-word (nor mid-entity: escapes contain no spaces). */
export function cutWords(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  // The cut may fall just before a space: then the last word is whole.
  const space = flat[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

/** Joins a label and a text someone typed so it reads as a sentence: "…holdout. Learned: …". */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?…:)]$/.test(t) ? t : `${t}.`;
}

/**
 * A moment Slack renders in each reader's zone ("Mar 13, 2026 at 3:00 PM"); clients that
 * cannot render it get the time in `tz`, with the zone named.
 */
export function slackMoment(instant: Date, fallback: string): string {
  return slackDate(instant, fallback, '{date_short} at {time}');
}

/** "none of 12 sections", "1 of 1 reviewer", "3 of 5 proposals": a part of a whole. */
export function ofTotal(n: number, total: number, word: string): string {
  return `${n === 0 ? 'none' : n} of ${count(total, word)}`;
}
