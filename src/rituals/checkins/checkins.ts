import { z } from 'zod';
import { cancelPending, scheduleDelivery } from '../../db/deliveries.js';
import { appendLog } from '../../db/experimentLog.js';
import { findHypothesis, lockHypothesis, updateHypothesis } from '../../db/hypotheses.js';
import type { Db } from '../../db/index.js';
import type { Hypothesis } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { count, sentence } from '../../../blocks/text.js';
import { addDays, formatMoment } from '../../time.js';
import { timeboxSpan } from './timeboxSpan.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { evidenceShape } from '../evidence/evidenceForm.js';
import { minutesOf, spentShape } from '../timeSpent/activities.js';
import { recordTimeSpent } from '../timeSpent/timeSpent.js';
import { isConcluded, type HypothesisHooks } from '../plan/hypotheses.js';
import { TIMEBOX } from '../plan/hypothesisDraft.js';

export const ANSWERS = ['validated', 'disproven', 'inconclusive', 'abandoned'] as const;
export type Answer = (typeof ANSWERS)[number];
export const CHECKIN_LIMITS = { result: 2000, learnings: 2000, nextStep: 1000, reason: 1000 } as const;
/** From this extension on, the project lead hears about it. */
export const LEAD_NOTICE_EXTENSION = 3;

/** A check-in round: the first asking is round 0, each extension starts the next round. */
export const roundOf = (h: Pick<Hypothesis, 'extension_count'>) => h.extension_count;

/** Schedules the check-in for the hypothesis' current timebox (idempotent per round). */
export async function scheduleCheckIn(db: Db, h: Hypothesis, at: Date): Promise<void> {
  if (h.status !== 'running' || !h.due_at) return;
  await scheduleDelivery(db, {
    teamId: h.team_id,
    kind: 'checkin',
    // The due time is part of the key: a changed timebox is a new check-in, the same one
    // scheduled twice (two replicas, a retried request) is not.
    dedupeKey: `checkin:${h.id}:${roundOf(h)}:${h.due_at.getTime()}`,
    recipientId: h.owner_user_id,
    dueAt: h.due_at,
    projectId: h.project_id,
    hypothesisId: h.id,
    at,
  });
}

/** Once a hypothesis is answered or moved, its waiting check-in, reminders and escalation are moot. */
export const cancelRound = (db: Db, teamId: string, hypothesisId: number, at: Date) =>
  cancelPending(db, { teamIds: [teamId], hypothesisId, kinds: ['checkin', 'reminder', 'escalation'] }, at);

/** The hooks the plan-first ritual calls when a timebox starts or changes. */
export function checkInHooks(services: Services): HypothesisHooks {
  return {
    started: (trx, h) => scheduleCheckIn(trx, h, services.clock.now()),
    checkInChanged: async (trx, h) => {
      const at = services.clock.now();
      await cancelRound(trx, h.team_id, h.id, at);
      await scheduleCheckIn(trx, h, at);
    },
  };
}

/**
 * Checks that `actor` may answer round `round` of this hypothesis' check-in now, or says
 * exactly why not: already answered (by whom, when), out of date, or not theirs. A running
 * hypothesis may be concluded before its timebox ends; a proposed one may only be abandoned.
 */
export function assertAnswerable(
  h: Hypothesis & { lead_user_id: string },
  actor: string,
  round: number,
  tz: string,
  answer?: Answer,
): void {
  if (isConcluded(h)) {
    const by = h.concluded_by ? ` by <@${h.concluded_by}>` : '';
    const when = h.concluded_at ? ` on ${formatMoment(h.concluded_at, tz)}` : '';
    throw conflict(`H${h.number} was already recorded as *${h.status}*${by}${when}. Nothing was changed.`);
  }
  if (actor !== h.owner_user_id && actor !== h.lead_user_id) {
    throw forbidden(
      `Only H${h.number}'s owner <@${h.owner_user_id}> or the project lead <@${h.lead_user_id}> can conclude it or answer its check-in.`,
    );
  }
  if (h.status === 'proposed' && answer === 'abandoned' && roundOf(h) === round) return;
  if (h.status === 'proposed' && answer) {
    throw conflict(
      `H${h.number} has not started, so there is no result to record yet. Start its timebox, or abandon it.`,
    );
  }
  if (h.status !== 'running' || roundOf(h) !== round) {
    throw conflict(
      `This check-in is out of date: H${h.number} is ${h.status}${h.due_at ? `, due ${formatMoment(h.due_at, tz)}` : ''}.`,
    );
  }
}

export async function answerableHypothesis(
  db: Db,
  teamId: string,
  actor: string,
  ref: { hypothesisId: number; round: number },
  tz: string,
  answer?: Answer,
) {
  const h = await findHypothesis(db, teamId, ref.hypothesisId);
  if (!h) throw notFound('That hypothesis no longer exists in this workspace.');
  assertAnswerable(h, actor, ref.round, tz, answer);
  return h;
}

/**
 * When in its timebox a hypothesis was concluded: before it started (a proposed one
 * abandoned), early (before its due time: "concluded early, 4 of 10 days"), or once the
 * timebox had ended. Early conclusions are normal and counted as what they are.
 */
/**
 * Day n of m when a running hypothesis would be concluded now, a day or more before its
 * timebox ends (as the announcement will count it); null when it would not be early.
 */
export function earlyDays(
  h: Pick<Hypothesis, 'timebox_days' | 'extension_count' | 'started_at' | 'due_at'>,
  now: Date,
): { spent: number; planned: number } | null {
  const span = timeboxSpan({ ...h, concluded_at: now });
  return span.early && span.days !== null ? { spent: span.days, planned: span.total } : null;
}

export type Timing = 'unstarted' | 'early' | 'ended';

/** The log's words for it: " (concluded early, 4 of 10 days)". */
function timingNote(timing: Timing, actual: number, planned: number): string {
  if (timing === 'unstarted') return ' (before it started)';
  if (timing === 'early') return ` (concluded early, ${actual} of ${planned} day${planned === 1 ? '' : 's'})`;
  return '';
}

export const OutcomeForm = z.object({
  result: z
    .string()
    .trim()
    .max(CHECKIN_LIMITS.result)
    .nullish()
    .transform((v) => v || null),
  learnings: z
    .string()
    .trim()
    .max(CHECKIN_LIMITS.learnings)
    .nullish()
    .transform((v) => v || null),
  nextStep: z
    .string()
    .trim()
    .max(CHECKIN_LIMITS.nextStep)
    .nullish()
    .transform((v) => v || null),
  startNextId: z.coerce
    .number()
    .int()
    .positive()
    .nullish()
    .transform((v) => v ?? null),
  runLinks: evidenceShape.runLinks,
  datasetVersion: evidenceShape.datasetVersion,
  randomSeed: evidenceShape.randomSeed,
  ...spentShape,
});
export type OutcomeForm = z.output<typeof OutcomeForm>;

/** Inline errors for an outcome form, per answer. */
export function outcomeErrors(answer: Answer, form: OutcomeForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (answer !== 'abandoned' && !form.result)
    errors.result = 'Write the measured result, even if it is "no change".';
  if (answer === 'disproven' && !form.learnings) {
    errors.learnings =
      'What do we now know? A disproven hypothesis is only knowledge once it is written down.';
  }
  return errors;
}

export interface RecordedOutcome {
  hypothesis: Hypothesis;
  startedNext: Hypothesis | null;
}

/**
 * Records the answer to a check-in. The row lock makes a double press (or owner and lead
 * answering at once) record one outcome: the second finds it concluded and is told so.
 */
export async function recordOutcome(
  services: Services,
  teamId: string,
  actor: string,
  ref: { hypothesisId: number; round: number },
  answer: Answer,
  form: OutcomeForm,
  tz: string,
  startNext: (trx: Db, id: number) => Promise<Hypothesis | null>,
): Promise<RecordedOutcome> {
  const at = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const locked = await lockHypothesis(trx, teamId, ref.hypothesisId);
    const h = locked && (await findHypothesis(trx, teamId, locked.id));
    if (!h) throw notFound('That hypothesis no longer exists in this workspace.');
    assertAnswerable(h, actor, ref.round, tz, answer);
    const span = timeboxSpan({ ...h, concluded_at: at });
    // Early as the announcement counts it (a day or more before the end), so the log agrees.
    const timing: Timing = !h.started_at ? 'unstarted' : span.early ? 'early' : 'ended';
    const concluded = await updateHypothesis(trx, teamId, h.id, {
      status: answer,
      result: form.result,
      learnings: form.learnings,
      next_step: form.nextStep,
      // The form shows the links already given, so what comes back is the whole list.
      run_links: form.runLinks,
      dataset_version: form.datasetVersion,
      random_seed: form.randomSeed,
      concluded_at: at,
      concluded_by: actor,
      overdue_since: null,
      updated_at: at,
    });
    await cancelRound(trx, teamId, h.id, at);
    await appendLog(trx, {
      teamId,
      projectId: h.project_id,
      hypothesisId: h.id,
      kind: answer === 'abandoned' ? 'hypothesis_abandoned' : 'hypothesis_concluded',
      authorUserId: actor,
      text:
        `H${h.number} ${answer}` +
        timingNote(timing, span.days ?? 0, span.total) +
        (actor === h.owner_user_id ? '' : ` (entered by <@${actor}> for <@${h.owner_user_id}>)`) +
        (form.result ? `: ${sentence(form.result)}` : '.') +
        (form.learnings ? ` Learned: ${sentence(form.learnings)}` : '') +
        (form.nextStep ? ` Next: ${sentence(form.nextStep)}` : ''),
      details: {
        outcome: answer,
        ...(actor === h.owner_user_id ? {} : { enteredBy: actor, owner: h.owner_user_id }),
        result: form.result,
        learnings: form.learnings,
        nextStep: form.nextStep,
        runLinks: form.runLinks,
        // The same figures the announcement and the statistics use (see timeboxSpan).
        plannedDays: span.total,
        actualDays: span.days,
        early: span.early,
        timeboxDays: h.timebox_days,
        extensions: h.extension_count,
        timing,
      },
      at,
    });
    await recordTimeSpent(trx, h, actor, minutesOf(form), 'checkin', at);
    const startedNext = form.startNextId ? await startNext(trx, form.startNextId) : null;
    return { hypothesis: concluded, startedNext };
  });
}

export const ExtendForm = z.object({
  days: z.coerce
    .number({ error: `Give whole days, ${TIMEBOX.min} to ${TIMEBOX.max}.` })
    .int({ error: `Give whole days, ${TIMEBOX.min} to ${TIMEBOX.max}.` })
    .min(TIMEBOX.min, { error: `At least ${TIMEBOX.min} day.` })
    .max(TIMEBOX.max, { error: `At most ${TIMEBOX.max} days; if it needs longer, split the hypothesis.` }),
  reason: z
    .string({ error: 'Say why it needs more time; the log keeps it for the next estimate.' })
    .trim()
    .min(1, { error: 'Say why it needs more time; the log keeps it for the next estimate.' })
    .max(CHECKIN_LIMITS.reason),
});
export type ExtendForm = z.output<typeof ExtendForm>;

/** Extends a running hypothesis' timebox from now; every extension is counted and logged. */
export async function extendTimebox(
  services: Services,
  teamId: string,
  actor: string,
  ref: { hypothesisId: number; round: number },
  form: ExtendForm,
  tz: string,
): Promise<{ hypothesis: Hypothesis; extensionNumber: number; leadTold: boolean }> {
  const at = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const locked = await lockHypothesis(trx, teamId, ref.hypothesisId);
    const h = locked && (await findHypothesis(trx, teamId, locked.id));
    if (!h || !h.due_at) throw notFound('That hypothesis no longer exists in this workspace.');
    assertAnswerable(h, actor, ref.round, tz);
    const extensionNumber = h.extension_count + 1;
    const newDue = addDays(at, form.days);
    await trx
      .insertInto('hypothesis_extensions')
      .values({
        team_id: teamId,
        hypothesis_id: h.id,
        extension_number: extensionNumber,
        previous_due_at: h.due_at,
        new_due_at: newDue,
        reason: form.reason,
        extended_by: actor,
        created_at: at,
      })
      .execute();
    await cancelRound(trx, teamId, h.id, at);
    const extended = await updateHypothesis(trx, teamId, h.id, {
      due_at: newDue,
      extension_count: extensionNumber,
      overdue_since: null,
      updated_at: at,
    });
    await appendLog(trx, {
      teamId,
      projectId: h.project_id,
      hypothesisId: h.id,
      kind: 'hypothesis_extended',
      authorUserId: actor,
      text: `H${h.number} extended by ${count(form.days, 'day')} (extension ${extensionNumber}): ${form.reason}`,
      details: {
        days: form.days,
        extension: extensionNumber,
        previousDueAt: h.due_at.toISOString(),
        newDueAt: newDue.toISOString(),
      },
      at,
    });
    await scheduleCheckIn(trx, extended, at);
    const leadTold = extensionNumber >= LEAD_NOTICE_EXTENSION;
    if (leadTold) {
      await scheduleDelivery(trx, {
        teamId,
        kind: 'extension_notice',
        dedupeKey: `extension_notice:${h.id}:${extensionNumber}`,
        recipientId: h.lead_user_id,
        dueAt: at,
        projectId: h.project_id,
        hypothesisId: h.id,
        at,
      });
    }
    return { hypothesis: extended, extensionNumber, leadTold };
  });
}
