import { appendLog } from '../../db/experimentLog.js';
import type { Db } from '../../db/index.js';
import { optionKindsOfHypotheses } from '../../db/meetings.js';
import { addTimeEntries, minutesByHypothesis } from '../../db/timeEntries.js';
import type { Hypothesis } from '../../db/schema/index.js';
import { activityLabel, formatMinutes } from './activities.js';
import { effortByHypothesis, type Effort } from './calibration.js';

/**
 * Records time spent on a hypothesis and writes it into the experiment log, where the
 * team reads how long things really took. One log line for all activities given at once.
 */
export async function recordTimeSpent(
  trx: Db,
  h: Pick<Hypothesis, 'id' | 'team_id' | 'project_id' | 'number'>,
  actor: string,
  minutesBy: Partial<Record<string, number>>,
  source: 'command' | 'home' | 'checkin',
  at: Date,
): Promise<string | null> {
  const entries = Object.entries(minutesBy).filter((e): e is [string, number] => (e[1] ?? 0) > 0);
  if (entries.length === 0) return null;
  await addTimeEntries(
    trx,
    entries.map(([activity, minutes]) => ({
      teamId: h.team_id,
      projectId: h.project_id,
      hypothesisId: h.id,
      userId: actor,
      activity,
      minutes,
      source,
      at,
    })),
  );
  const text = `Time spent on H${h.number}: ${entries
    .map(([activity, minutes]) => `${formatMinutes(minutes)} ${activityLabel(activity).toLowerCase()}`)
    .join(', ')}.`;
  await appendLog(trx, {
    teamId: h.team_id,
    projectId: h.project_id,
    hypothesisId: h.id,
    kind: 'time_spent',
    authorUserId: actor,
    text,
    details: { minutes: Object.fromEntries(entries), source },
    at,
  });
  return text;
}

/** What each hypothesis of these projects (or the whole workspace) cost, and its kind of option. */
export async function loadEffort(
  db: Db,
  teamId: string,
  projectIds?: number[],
): Promise<Map<number, Effort>> {
  const [minutes, kinds] = await Promise.all([
    minutesByHypothesis(db, teamId, projectIds),
    optionKindsOfHypotheses(db, teamId, projectIds),
  ]);
  return effortByHypothesis(minutes, kinds);
}
