import type { KnownBlock } from '@slack/types';
import type { Stats } from '../src/rituals/checkins/stats.js';
import { LIMITS } from './limits.js';
import { activityLine, kindLine } from './timeSpent.js';
import type { KindCalibration } from '../src/rituals/timeSpent/calibration.js';
import type { Activity } from '../src/rituals/timeSpent/activities.js';
import { count, md, plain, userText } from './text.js';

/** The figures computed by the check-in ritual's stats. */
export type StatsView = Stats;

const pct = (n: number, of: number) => (of === 0 ? '—' : `${Math.round((100 * n) / of)}%`);
const days = (n: number | null) => (n === null ? '—' : count(n, 'day'));

/** Early conclusions are what they are: neither on time nor overdue, and not in the estimate. */
const earlyLine = (s: StatsView) =>
  s.early === 0
    ? ''
    : `\n${s.early} of ${s.concluded} concluded early, before ${s.early === 1 ? 'its' : 'their'} timebox ended (not counted in the estimate).`;

function statsSection(title: string, s: StatsView): KnownBlock {
  if (s.concluded === 0) return { type: 'section', text: md(`*${title}*\nNothing concluded yet.`) };
  const estimate =
    s.overrun === null
      ? ''
      : s.overrun > 1.05
        ? `\nThings take *${s.overrun.toFixed(2)}×* their timebox: a 10-day box is closer to ${count(Math.round(10 * s.overrun), 'day')}.`
        : s.overrun < 0.95
          ? `\nThings finish in *${s.overrun.toFixed(2)}×* their timebox.`
          : '\nTimeboxes match the time really taken.';
  return {
    type: 'section',
    text: md(
      `*${title}*\n${s.concluded} concluded: ${pct(s.validated, s.concluded)} validated · ${pct(s.disproven, s.concluded)} disproven · ${pct(s.inconclusive, s.concluded)} inconclusive${s.abandoned ? ` · ${pct(s.abandoned, s.concluded)} abandoned` : ''}\n` +
        `Timebox ${days(s.meanPlannedDays)} on average, actual ${days(s.meanActualDays)}${estimate}${earlyLine(s)}`,
    ),
  };
}

/** `/hypothesis stats`: the team's record and the caller's, to estimate the next timebox. */
export function statsMessage(input: {
  projectName?: string;
  project?: StatsView;
  mine: StatsView;
  timeSpent?: ProjectTime[];
  byKind?: { scope: string; kinds: KindCalibration[] };
}): {
  text: string;
  blocks: KnownBlock[];
} {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('How long things really take', LIMITS.headerText) },
  ];
  if (input.project && input.projectName)
    blocks.push(statsSection(userText(input.projectName, 200), input.project));
  blocks.push(statsSection('Your hypotheses', input.mine));
  if (input.timeSpent) blocks.push(...timeSections(input.timeSpent));
  if (input.byKind) blocks.push(kindSection(input.byKind.scope, input.byKind.kinds));
  return { text: 'Hypothesis stats', blocks };
}

/** A project's planned days (its timeboxes) against the time logged, by activity. */
export interface ProjectTime {
  name: string;
  plannedDays: number;
  minutes: Record<Activity, number>;
}

const TIME_SECTIONS = 40;

function timeSections(projects: ProjectTime[]): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'section', text: md('*Time spent by activity* (planned: timeboxes; actual: logged)') },
  ];
  if (projects.length === 0)
    return [...blocks, { type: 'section', text: md('No time logged yet: `/hypothesis spent 3h data H3`.') }];
  for (const p of projects.slice(0, TIME_SECTIONS)) {
    const line = activityLine(p.minutes) ?? 'no time logged yet';
    blocks.push({
      type: 'section',
      text: md(`*${userText(p.name, 200)}*: planned ${count(p.plannedDays, 'day')} · actual ${line}`),
    });
  }
  if (projects.length > TIME_SECTIONS)
    blocks.push({
      type: 'context',
      elements: [md(`…and ${count(projects.length - TIME_SECTIONS, 'more project')}.`)],
    });
  return blocks;
}

/**
 * Planned against actual per kind of option (from the meeting proposal each hypothesis came
 * from): "how long do our state-of-the-art attempts really take?".
 */
function kindSection(scope: string, kinds: KindCalibration[]): KnownBlock {
  const title = `*By kind of option* (${scope}; planned: timebox, actual: days as announced, early conclusions left out)`;
  const body = kinds.length
    ? kinds.map((k) => `• ${kindLine(k)}`).join('\n')
    : 'Nothing concluded yet to compare.';
  return { type: 'section', text: md(`${title}\n${body}`) };
}
