import { reviewStateText } from './designReview.js';
import type { KnownBlock } from '@slack/types';
import type { Calibration, Concluded, Digest, Running } from '../src/rituals/digests/model.js';
import { formatDay, inZone } from '../src/time.js';
import { evidenceMrkdwn, metricLine } from './evidence.js';
import { COMMAND } from './ids.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, md, mention, plain, slackDate, userText } from './text.js';

/**
 * The weekly digest in Block Kit. Any volume fits: each part is one section of at most
 * 3,000 characters and a fixed number of items, the rest summarised with where to find
 * it, so a project with 300 hypotheses gets the same dozen blocks as one with three.
 */
const MAX_ITEMS = 12;
const ITEM_CHARS = 400;

/** Cuts at a word boundary, never mid-word (nor mid-entity: escapes contain no spaces). */
export function cutWords(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  // The cut may fall just before a space: then the last word is whole.
  const space = flat[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

const say = (text: string, max: number) => cutWords(escapeMrkdwn(text), max);

/**
 * A titled list in one section: items while they fit, then "and N more … — `/hypothesis
 * list`". The summary line's room is kept back, so it always fits too.
 */
export function listSection(
  title: string,
  lines: string[],
  more: (n: number) => string,
  footer = '',
): KnownBlock {
  const tail = footer ? `\n${footer}` : '';
  let text = title;
  let shown = 0;
  for (const line of lines) {
    const reserve = more(lines.length - shown).length + tail.length + 2;
    if (shown >= MAX_ITEMS || text.length + 1 + line.length + reserve > LIMITS.sectionText) break;
    text += `\n${line}`;
    shown++;
  }
  if (shown < lines.length) text += `\n${more(lines.length - shown)}`;
  return { type: 'section', text: md(text + tail) };
}

/** "1 day", "3 days". */
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const days = (n: number | null) => (n === null ? '' : ` _(took ${count(n, 'day')})_`);

function concludedLine(c: Concluded): string {
  const parts = [`• *H${c.number}* ${say(c.statement, 160)}`];
  if (c.result) parts.push(`Result: ${say(c.result, ITEM_CHARS / 2)}`);
  if (c.learnings) parts.push(`Learned: ${say(c.learnings, ITEM_CHARS / 2)}`);
  const evidence = evidenceMrkdwn(c.evidence, ITEM_CHARS);
  if (evidence) parts.push(`Evidence: ${evidence}`);
  if (c.metrics) parts.push(metricLine(c.metrics.hints, c.metrics.bar));
  return parts.join(' — ') + days(c.days);
}

function runningLine(r: Running, tz: string): string {
  const due = slackDate(r.dueAt, formatDay(r.dueAt, tz));
  const overdue = r.overdueDays > 0 ? ` :warning: *overdue by ${count(r.overdueDays, 'day')}*` : '';
  const numbers = r.metrics ? ` — ${metricLine(r.metrics.hints, r.metrics.bar)}` : '';
  return `• *H${r.number}* ${say(r.statement, 160)} — ${mention(r.ownerUserId)}, due ${due}${overdue}${numbers}`;
}

const moreOf = (what: string) => (n: number) => `_…and ${n} more ${what} — \`${COMMAND} list\`_`;

export function headline(d: Digest): string {
  const c = d.counts;
  const streak =
    d.streak > 1
      ? ` · :fire: ${d.streak} weeks in a row with a conclusion`
      : d.streak === 1
        ? ' · a conclusion this week'
        : '';
  return `*Concluded this week:* validated ${c.validated} · disproven ${c.disproven} (knowledge gained) · inconclusive ${c.inconclusive} · abandoned ${c.abandoned}${streak}`;
}

export function calibrationLine(label: string, c: Calibration): string | null {
  if (c.concluded === 0) return null;
  const ratio =
    c.medianRatio === null ? '' : `hypotheses took ${c.medianRatio.toFixed(1)}× their timebox on median; `;
  return `${label}: ${ratio}${c.extended} of ${c.concluded} ${c.concluded === 1 ? 'was' : 'were'} extended.`;
}

/** "No hypothesis concluded this week; 3 running, next due Thursday." */
export function quietLine(d: Digest): string {
  const next = d.running[0];
  const name = escapeMrkdwn(d.projectName);
  if (!next) return `*${name}*: no hypothesis concluded this week and none running.`;
  const soon = next.dueAt.getTime() - d.week.end.getTime() < 6 * 86_400_000;
  const when =
    next.overdueDays > 0
      ? `H${next.number} ${count(next.overdueDays, 'day')} overdue`
      : `next due ${soon ? dayName(next.dueAt, d.tz) : formatDay(next.dueAt, d.tz)}`;
  return `*${name}*: no hypothesis concluded this week; ${d.running.length} running, ${when}.`;
}

const dayName = (at: Date, tz: string) => inZone(at, tz).format('dddd');

function weekRange(d: Digest): string {
  return `${formatDay(d.week.start, d.tz)} – ${formatDay(d.week.end, d.tz)} (${d.tz})`;
}

/** What was concluded: the headline, knowledge gained first, then the other outcomes. */
function concludedBlocks(d: Digest): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: md(headline(d)) }];
  const deadEnds = `_${count(d.deadEnds, 'dead end')} ruled out since the project started._`;
  blocks.push(
    d.knowledge.length
      ? listSection(
          ':bulb: *Knowledge gained* — disproven, so nobody has to walk these again',
          d.knowledge.map(concludedLine),
          moreOf('disproven'),
          deadEnds,
        )
      : { type: 'section', text: md(`:bulb: *Knowledge gained*: nothing disproven this week. ${deadEnds}`) },
  );
  if (d.validated.length)
    blocks.push(
      listSection(':white_check_mark: *Validated*', d.validated.map(concludedLine), moreOf('validated')),
    );
  if (d.inconclusive.length)
    blocks.push(
      listSection(
        ':grey_question: *Inconclusive*',
        d.inconclusive.map(concludedLine),
        moreOf('inconclusive'),
      ),
    );
  if (d.abandoned.length)
    blocks.push(
      listSection(
        ':wastebasket: *Abandoned*',
        d.abandoned.map((c) => `• *H${c.number}* ${say(c.statement, 160)}${days(c.days)}`),
        moreOf('abandoned'),
      ),
    );
  return blocks;
}

/** What comes next: running hypotheses, decisions, meetings, timebox calibration. */
function outlookBlocks(d: Digest): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  blocks.push(
    d.running.length
      ? listSection(
          `:hourglass_flowing_sand: *Running* (${d.running.length}), soonest due first`,
          d.running.map((r) => runningLine(r, d.tz)),
          moreOf('running'),
        )
      : { type: 'section', text: md(':hourglass_flowing_sand: *Running*: nothing right now.') },
  );
  if (d.decisions.length)
    blocks.push(
      listSection(
        ':scales: *Decisions this week*',
        d.decisions.map((x) => `• ${say(x.text, ITEM_CHARS)}`),
        (n) => `_…and ${n} more — \`${COMMAND} log\`_`,
      ),
    );
  if (d.meetings.length)
    blocks.push(
      listSection(
        ':calendar: *Decision meetings coming up*',
        d.meetings.map(
          (m) =>
            `• ${slackDate(m.scheduledAt, formatDay(m.scheduledAt, d.tz), '{date_short_pretty} {time}')}: ${say(m.question, 300)}`,
        ),
        (n) => `_…and ${n} more meetings_`,
      ),
    );
  const calibration = [
    calibrationLine('This week', d.calibration.week),
    calibrationLine('Last four weeks', d.calibration.trailing),
  ].filter((l): l is string => l !== null);
  if (calibration.length)
    blocks.push({
      type: 'context',
      elements: [md(`:stopwatch: Timebox calibration. ${calibration.join(' ')}`)],
    });
  return blocks;
}

export interface DigestMessage {
  text: string;
  blocks: KnownBlock[];
  /** A long digest's second half, posted as a reply in the first's thread. */
  thread?: { text: string; blocks: KnownBlock[] }[];
}

/** Past this many characters of text a digest is split: what was concluded, then the rest in the thread. */
export const LONG_DIGEST_CHARS = 6000;

const textLength = (blocks: KnownBlock[]) =>
  blocks.reduce((n, b) => n + (b.type === 'section' ? (b.text?.text.length ?? 0) : 0), 0);

/**
 * The digest of one project: the quiet one-liner, or the full digest. A long one posted in
 * a channel (`thread: true`) is read in two parts: what was concluded, and the rest in its
 * thread; a private preview is one message.
 */
export function digestMessage(d: Digest, opts: { preview?: string; thread?: boolean } = {}): DigestMessage {
  const name = userText(d.projectName, 120);
  const preview: KnownBlock[] = opts.preview ? [{ type: 'context', elements: [md(opts.preview)] }] : [];
  if (d.kind !== 'full') {
    const line = quietLine(d);
    return { text: line, blocks: [...preview, { type: 'section', text: md(line) }] };
  }
  const head: KnownBlock[] = [
    ...preview,
    { type: 'header', text: plain(`Weekly digest · ${d.projectName}`, LIMITS.headerText) },
    {
      type: 'context',
      elements: [
        md(weekRange(d)),
        ...(d.designReview ? [md(`Design doc: ${reviewStateText(d.designReview)}`)] : []),
      ],
    },
    ...concludedBlocks(d),
  ];
  const outlook = outlookBlocks(d);
  const c = d.counts;
  const text = `Weekly digest of ${name}: validated ${c.validated}, disproven ${c.disproven}, inconclusive ${c.inconclusive}, abandoned ${c.abandoned}.`;
  if (!opts.thread || textLength([...head, ...outlook]) <= LONG_DIGEST_CHARS)
    return { text, blocks: [...head, ...outlook] };
  return {
    text,
    blocks: [
      ...head,
      {
        type: 'context',
        elements: [md(':thread: Running, decisions and timebox calibration are in the thread.')],
      },
    ],
    thread: [{ text: `Running, decisions and timebox calibration of ${name}`, blocks: outlook }],
  };
}

const TEAM_SECTIONS = 40;

/** One digest across the workspace's projects: a section each, quiet ones folded into one line. */
export function teamDigestMessage(
  digests: Digest[],
  tz: string,
  week: { start: Date; end: Date },
): DigestMessage {
  const active = digests.filter((d) => d.kind === 'full');
  const quiet = digests.filter((d) => d.kind !== 'full');
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Weekly digest · all projects', LIMITS.headerText) },
    { type: 'context', elements: [md(`${formatDay(week.start, tz)} – ${formatDay(week.end, tz)} (${tz})`)] },
  ];
  for (const d of active.slice(0, TEAM_SECTIONS)) {
    const knowledge = d.knowledge.length
      ? `\n:bulb: Knowledge gained: ${cutWords(d.knowledge.map((k) => `H${k.number}`).join(', '), 1500)} (${count(d.deadEnds, 'dead end')} ruled out so far)`
      : '';
    const overdue = d.running.filter((r) => r.overdueDays > 0).length;
    blocks.push(
      listSection(
        `*${userText(d.projectName, 150)}* (<#${d.channelId}>)\n${headline(d)}${knowledge}\n${d.running.length} running${overdue ? `, ${overdue} overdue` : ''}.`,
        [],
        () => '',
      ),
    );
  }
  const extra = active.length - TEAM_SECTIONS;
  if (extra > 0) blocks.push({ type: 'context', elements: [md(`_…and ${extra} more active projects._`)] });
  if (quiet.length) {
    const names = quiet.map((d) => `${escapeMrkdwn(d.projectName)}`);
    blocks.push(
      listSection(
        `:zzz: *Quiet this week* (${quiet.length}): ${cutWords(names.join(', '), 2500)}`,
        [],
        () => '',
      ),
    );
  }
  return {
    text: `Weekly digest across ${digests.length} projects: ${active.length} with news, ${quiet.length} quiet.`,
    blocks,
  };
}
