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
