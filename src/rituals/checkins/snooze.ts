import dayjs from 'dayjs';
import { z } from 'zod';
import { scheduleDelivery } from '../../db/deliveries.js';
import { appendLog } from '../../db/experimentLog.js';
import { findHypothesis, lockHypothesis } from '../../db/hypotheses.js';
import type { Db } from '../../db/index.js';
import type { Hypothesis } from '../../db/schema/index.js';
import { formatDay, localDate } from '../../time.js';
import { conflict, notFound } from '../errors.js';
import { assertAnswerable, cancelRound, roundOf } from './checkins.js';
import { roundKey } from './deliveries.js';
import { nextWorkingMoment, type WorkingHours } from './workingHours.js';

/** Snoozes a round may have; the next asks for an extension, which the statistics see. */
export const MAX_SNOOZES = 2;
/** How far *Not now* may put a check-in off. */
export const MAX_SNOOZE_DAYS = 14;

export const SnoozeForm = z.object({
  when: z.enum(['tomorrow', 'monday', 'day']),
  day: z.string().nullish(),
});
export type SnoozeForm = z.infer<typeof SnoozeForm>;

/**
 * When to ask again, in the owner's calendar: the start of their first working hour
 * tomorrow, next Monday or on the day picked (at most MAX_SNOOZE_DAYS on, after today).
 */
export function snoozeUntil(
  form: SnoozeForm,
  now: Date,
  tz: string,
  hours: WorkingHours,
): { ok: true; until: Date } | { ok: false; errors: Record<string, string> } {
  const today = localDate(now, tz);
  const plus = (n: number) => dayjs.utc(today).add(n, 'day').format('YYYY-MM-DD');
  let date: string;
  if (form.when === 'tomorrow') date = plus(1);
  else if (form.when === 'monday') date = plus(8 - (dayjs.utc(today).day() || 7));
  else {
    if (!form.day) return { ok: false, errors: { day: 'Pick the day to be asked again.' } };
    if (form.day <= today) return { ok: false, errors: { day: 'Pick a day after today.' } };
    if (form.day > plus(MAX_SNOOZE_DAYS)) {
      return {
        ok: false,
        errors: {
          day: `At most ${MAX_SNOOZE_DAYS} days on (until ${plus(MAX_SNOOZE_DAYS)}); for longer, extend the timebox.`,
        },
      };
    }
    date = form.day;
  }
  return { ok: true, until: nextWorkingMoment(dayjs.tz(`${date} 00:00`, tz).toDate(), tz, hours) };
}

const snoozesOf = async (db: Db, h: Hypothesis) =>
  Number(
    (
      await db
        .selectFrom('experiment_log_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('team_id', '=', h.team_id)
        .where('hypothesis_id', '=', h.id)
        .where('kind', '=', 'note')
        .where(({ ref }) => ref('details', '->>').key('snoozedRound'), '=', String(roundOf(h)))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** How many more times this round may be put off. */
export async function snoozesLeft(db: Db, h: Hypothesis): Promise<number> {
  return Math.max(0, MAX_SNOOZES - (await snoozesOf(db, h)));
}

export const tooManySnoozes = (h: { number: number }) =>
  conflict(
    `H${h.number}'s check-in has been put off ${MAX_SNOOZES} times this round. If it needs more time, press *Extend* and say why: an extension shows in the timebox statistics, so the team learns how long such work really takes.`,
  );

/**
 * Puts this round's check-in off until `until`: its waiting reminder and escalation are
 * withdrawn, a new asking is scheduled (its reminder and the lead's notice follow it as
 * usual), and the log says so. Not an extension: the timebox and its due date stay.
 */
export async function snooze(
  db: Db,
  p: {
    teamId: string;
    actor: string;
    ref: { hypothesisId: number; round: number };
    until: Date;
    tz: string;
    at: Date;
  },
): Promise<Hypothesis> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockHypothesis(trx, p.teamId, p.ref.hypothesisId);
    const h = locked && (await findHypothesis(trx, p.teamId, locked.id));
    if (!h) throw notFound('That hypothesis no longer exists in this workspace.');
    assertAnswerable(h, p.actor, p.ref.round, p.tz);
    const done = await snoozesOf(trx, h);
    if (done >= MAX_SNOOZES) throw tooManySnoozes(h);
    await cancelRound(trx, p.teamId, h.id, p.at);
    await scheduleDelivery(trx, {
      teamId: p.teamId,
      kind: 'checkin',
      // The snooze's number keeps this asking and what follows it apart from the round's first.
      dedupeKey: `checkin:${roundKey(h)}:0:s${done + 1}`,
      recipientId: h.owner_user_id,
      dueAt: p.until,
      projectId: h.project_id,
      hypothesisId: h.id,
      at: p.at,
    });
    await appendLog(trx, {
      teamId: p.teamId,
      projectId: h.project_id,
      hypothesisId: h.id,
      kind: 'note',
      authorUserId: p.actor,
      text: `H${h.number}'s check-in was put off until ${formatDay(p.until, p.tz)} (${done + 1} of ${MAX_SNOOZES} this round). Not an extension: the timebox stays as planned.`,
      details: { snoozedRound: roundOf(h), until: p.until.toISOString() },
      at: p.at,
    });
    return h;
  });
}
