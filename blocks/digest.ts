import { reviewStateText } from './designReview.js';
import type { KnownBlock } from '@slack/types';
import type { Calibration, Concluded, Digest, Running } from '../src/rituals/digests/model.js';
import { formatDay, formatMoment, inZone } from '../src/time.js';
import { evidenceMrkdwn, metricLine } from './evidence.js';
import { COMMAND } from './ids.js';
import { awayThisWeekBlocks } from './away.js';
import { LIMITS } from './limits.js';
import { count, cutWords, escapeMrkdwn, md, mention, plain, slackDate, userText } from './text.js';
import { activityLine, kindsInBrief } from './timeSpent.js';

/**
 * The weekly digest in Block Kit. Any volume fits: each part is one section of at most
 * 3,000 characters and a fixed number of items, the rest summarised with where to find
 * it, so a project with 300 hypotheses gets the same dozen blocks as one with three.
 */
const MAX_ITEMS = 12;
const ITEM_CHARS = 400;

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

const OUTCOME_ORDER = ['disproven', 'validated', 'inconclusive', 'abandoned'] as const;

/** "2 concluded this week: 1 disproven, 1 validated": what happened, no zero counts. */
export function concludedSummary(d: Digest): string {
  const parts = OUTCOME_ORDER.filter((k) => d.counts[k] > 0).map((k) => `${d.counts[k]} ${k}`);
  const total = OUTCOME_ORDER.reduce((n, k) => n + d.counts[k], 0);
  return total ? `${total} concluded this week: ${parts.join(', ')}` : 'Nothing concluded this week';
}

export function headline(d: Digest): string {
  const streak =
    d.streak > 1
      ? ` · :fire: ${d.streak} weeks in a row with a conclusion`
      : d.streak === 1
        ? ' · a conclusion this week'
        : '';
  const [said, detail] = concludedSummary(d).split(': ');
  return `*${said}${detail ? ':*' : '*'}${detail ? ` ${detail}` : ''}${streak}`;
}

/** Timebox calibration, once: the last four weeks, this one included. */
export function calibrationBlock(c: Calibration): KnownBlock[] {
  if (c.concluded === 0) return [];
  const ratio =
    c.medianRatio === null ? '' : `hypotheses took ${c.medianRatio.toFixed(1)}× their timebox on median; `;
  const early = c.early ? ` ${c.early} concluded early, left out of the median.` : '';
  const logged = c.minutes ? activityLine(c.minutes) : null;
  const text = [
    `:stopwatch: Timebox calibration, last four weeks: ${ratio}${c.extended} of ${c.concluded} ${c.concluded === 1 ? 'was' : 'were'} extended.${early}`,
    ...(logged ? [`Time logged on them: ${logged}.`] : []),
    ...(c.byKind ? [`Actual against planned days, by kind of option: ${kindsInBrief(c.byKind)}.`] : []),
  ].join('\n');
  return [{ type: 'context', elements: [md(text)] }];
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

interface Group {
  title: string;
  lines: string[];
  more: (n: number) => string;
  footer?: string;
}

/** What was concluded, knowledge gained first, then the other outcomes; empty groups left out. */
function concludedGroups(d: Digest): Group[] {
  const deadEnds = `_${count(d.deadEnds, 'dead end')} ruled out since the project started._`;
  return [
    {
      title: ':bulb: *Knowledge gained* — disproven, so nobody has to walk these again',
      lines: d.knowledge.map(concludedLine),
      more: moreOf('disproven'),
      footer: deadEnds,
    },
    {
      title: ':white_check_mark: *Validated*',
      lines: d.validated.map(concludedLine),
      more: moreOf('validated'),
    },
    {
      title: ':grey_question: *Inconclusive*',
      lines: d.inconclusive.map(concludedLine),
      more: moreOf('inconclusive'),
    },
    {
      title: ':wastebasket: *Abandoned*',
      lines: d.abandoned.map((c) => `• *H${c.number}* ${say(c.statement, 160)}${days(c.days)}`),
      more: moreOf('abandoned'),
    },
  ].filter((g) => g.lines.length > 0);
}

const noKnowledge = (d: Digest): KnownBlock => ({
  type: 'section',
  text: md(
    `:bulb: *Knowledge gained*: nothing disproven this week. _${count(d.deadEnds, 'dead end')} ruled out since the project started._`,
  ),
});

const groupSection = (g: Group) => listSection(g.title, g.lines, g.more, g.footer);

/** What comes next: running hypotheses, decisions, meetings. */
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
            `• ${slackDate(m.scheduledAt, formatMoment(m.scheduledAt, d.tz), '{date_short_pretty} at {time}')}: ${say(m.question, 300)}`,
        ),
        (n) => `_…and ${n} more meetings_`,
      ),
    );
  return blocks;
}

export interface DigestMessage {
  text: string;
  blocks: KnownBlock[];
  /** What the channel digest leaves to its thread, posted as a reply to it. */
  thread?: { text: string; blocks: KnownBlock[] }[];
}

/** About this many lines of text in a channel digest's top-level message; the rest is in its thread. */
export const TOP_LEVEL_LINES = 25;

const linesOf = (blocks: KnownBlock[]) =>
  blocks.reduce((n, b) => {
    if (b.type === 'section') return n + (b.text?.text.split('\n').length ?? 0);
    if (b.type === 'context')
      return n + Math.max(1, ...b.elements.map((e) => ('text' in e ? e.text.split('\n').length : 1)));
    return b.type === 'header' ? n + 1 : n;
  }, 0);

/**
 * Splits the concluded groups between the top-level message (within `budget` lines and a
 * section's characters, each item whole) and the thread: an item is shown in one place,
 * never cut short above and restated below.
 */
function splitConcluded(groups: Group[], budget: number): { top: KnownBlock[]; rest: Group[] } {
  const top: KnownBlock[] = [];
  const rest: Group[] = [];
  let left = budget;
  for (const g of groups) {
    const fixed = 1 + (g.footer ? 1 : 0);
    let text = g.title;
    let shown = 0;
    const room = LIMITS.sectionText - (g.footer?.length ?? 0) - 2;
    while (shown < g.lines.length && shown < left - fixed && text.length + 1 + g.lines[shown]!.length <= room)
      text += `\n${g.lines[shown++]}`;
    if (shown > 0) {
      top.push({ type: 'section', text: md(g.footer ? `${text}\n${g.footer}` : text) });
      left -= fixed + shown;
    }
    if (shown < g.lines.length)
      rest.push({
        ...g,
        title: shown > 0 ? `${g.title} (continued)` : g.title,
        lines: g.lines.slice(shown),
        footer: shown > 0 ? undefined : g.footer,
      } as Group);
  }
  return { top, rest };
}

/**
 * The digest of one project: the quiet one-liner, or the full digest. Posted in a channel
 * (`thread: true`) it is read in two parts: what was concluded and the chart in about 25
 * lines, and what is running, the decisions and meetings (and any concluded item that did
 * not fit) in its thread. A private preview is one message.
 */
export function digestMessage(
  d: Digest,
  opts: { preview?: string; thread?: boolean; chart?: KnownBlock } = {},
): DigestMessage {
  const name = userText(d.projectName, 120);
  const preview: KnownBlock[] = opts.preview ? [{ type: 'context', elements: [md(opts.preview)] }] : [];
  const away = awayThisWeekBlocks(d.away);
  if (d.kind !== 'full') {
    const line = quietLine(d);
    return { text: line, blocks: [...preview, { type: 'section', text: md(line) }, ...away] };
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
    { type: 'section', text: md(headline(d)) },
  ];
  const text = `Weekly digest of ${name}: ${concludedSummary(d)}.`;
  const groups = concludedGroups(d);
  const none = d.knowledge.length ? [] : [noKnowledge(d)];
  const calibration = calibrationBlock(d.calibration);
  const chart = opts.chart ? [opts.chart] : [];
  if (!opts.thread)
    return {
      text,
      blocks: [
        ...head,
        ...none,
        ...groups.map(groupSection),
        ...chart,
        ...outlookBlocks(d),
        ...calibration,
        ...away,
      ],
    };
  const pointer = (more: boolean): KnownBlock => ({
    type: 'context',
    elements: [
      md(
        `:thread: ${more ? 'More of what was concluded, what' : 'What'} is running, and the decisions and meetings are in the thread.`,
      ),
    ],
  });
  const budget = TOP_LEVEL_LINES - linesOf([...head, ...none, ...calibration, ...away, pointer(true)]);
  const { top, rest } = splitConcluded(groups, budget);
  return {
    text,
    blocks: [...head, ...none, ...top, ...chart, ...calibration, ...away, pointer(rest.length > 0)],
    thread: [
      {
        text: `What is running, decisions and meetings of ${name}`,
        blocks: [...rest.map(groupSection), ...outlookBlocks(d)],
      },
    ],
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
    text: `Weekly digest across ${count(digests.length, 'project')}: ${active.length} with news, ${quiet.length} quiet.`,
    blocks,
  };
}
