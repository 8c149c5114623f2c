import { scheduleDelivery, cancelPending } from '../../db/deliveries.js';
import type { Db } from '../../db/index.js';
import { appendLog } from '../../db/experimentLog.js';
import {
  findMeeting,
  insertMeeting,
  lockMeeting,
  sentMeetingDms,
  updateMeeting,
  type MeetingWithProject,
} from '../../db/meetings.js';
import type { Transaction } from 'kysely';
import type { Database, DecisionMeeting, Project } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { DAY_MS, formatMoment } from '../../time.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { Permission } from '../plan/permissions.js';
import type { MeetingForm } from './forms.js';

export const MEETING_KINDS = [
  'meeting_invite',
  'meeting_reminder',
  'meeting_preread',
  'meeting_notice',
] as const;

/**
 * Who may call, move, close, decide and cancel a meeting: the project lead, who organises
 * the rituals and decides in meetings (DOMAIN.md). Members propose; they do not call.
 */
export function canRunMeeting(actor: string, project: { lead_user_id: string }): Permission {
  if (actor === project.lead_user_id) return { allowed: true };
  return {
    allowed: false,
    reason: `Only the project lead <@${project.lead_user_id}> can call and run decision meetings for this project. Ask them, or post your proposal when they do.`,
  };
}

/** Proposals are due this long before the meeting unless the lead says otherwise. */
export const DEFAULT_LEAD_TIME_MS = DAY_MS;

export type TimesCheck =
  | { ok: true; scheduledAt: Date; deadline: Date }
  | { ok: false; errors: { scheduledAt?: string; deadline?: string } };

/** The meeting and its proposal deadline: both ahead, the deadline not after the meeting. */
export function checkTimes(
  now: Date,
  scheduledAt: Date,
  deadline: Date | null | undefined,
  tz: string,
): TimesCheck {
  if (scheduledAt.getTime() <= now.getTime()) {
    return {
      ok: false,
      errors: {
        scheduledAt: `That time has passed (it is ${formatMoment(now, tz)} for you). Pick a time ahead.`,
      },
    };
  }
  const due = deadline ?? new Date(scheduledAt.getTime() - DEFAULT_LEAD_TIME_MS);
  if (due.getTime() > scheduledAt.getTime()) {
    return { ok: false, errors: { deadline: 'Proposals must be due before the meeting, not after it.' } };
  }
  if (due.getTime() <= now.getTime()) {
    return {
      ok: false,
      errors: {
        deadline: deadline
          ? 'That deadline has passed. Give people time to read and propose.'
          : 'The meeting is less than 24 hours away, so the default deadline (24 hours before) has passed. Pick a proposal deadline between now and the meeting.',
      },
    };
  }
  return { ok: true, scheduledAt, deadline: due };
}

/** One reminder, halfway to the deadline but at most a day before it. */
export function reminderDue(now: Date, deadline: Date): Date {
  const before = Math.min(DAY_MS, (deadline.getTime() - now.getTime()) / 2);
  return new Date(deadline.getTime() - before);
}

/** A round after the first (opened by a "none yet" decision) invites and reminds again. */
const roundPart = (m: { round: number }) => (m.round > 0 ? `:round${m.round}` : '');
export const inviteKey = (m: { id: number; round: number }, user: string) =>
  `meeting_invite:${m.id}:${user}${roundPart(m)}`;
/** One reminder per person and round, ever: a rescheduled meeting moves it, never repeats it. */
export const reminderKey = (m: { id: number; round: number }, user: string) =>
  `meeting_reminder:${m.id}:${user}${roundPart(m)}`;
/** A pre-read per deadline: a meeting reopened by a reschedule gets a fresh one. */
export const prereadKey = (m: { id: number }, deadline: Date) =>
  `meeting_preread:${m.id}:${deadline.getTime()}`;
export const noticeKey = (m: { id: number }, user: string, revision: number) =>
  `meeting_notice:${m.id}:${user}:${revision}`;

/**
 * Reminders and the pre-read for the meeting's current deadline; invitations once each,
 * except to whoever called it or reopened it: nobody is invited to what they just did.
 */
async function scheduleAhead(
  trx: Db,
  m: DecisionMeeting,
  at: Date,
  invite: { by: string } | false,
): Promise<void> {
  const deadline = m.proposal_deadline!;
  const common = { teamId: m.team_id, projectId: m.project_id, meetingId: m.id, at };
  for (const user of m.participants) {
    if (invite && user !== invite.by) {
      await scheduleDelivery(trx, {
        ...common,
        kind: 'meeting_invite',
        dedupeKey: inviteKey(m, user),
        recipientId: user,
        dueAt: at,
      });
    }
    await scheduleDelivery(trx, {
      ...common,
      kind: 'meeting_reminder',
      dedupeKey: reminderKey(m, user),
      recipientId: user,
      dueAt: reminderDue(at, deadline),
    });
  }
  await scheduleDelivery(trx, {
    ...common,
    kind: 'meeting_preread',
    dedupeKey: prereadKey(m, deadline),
    recipientId: m.channel_id,
    dueAt: deadline,
  });
}

export async function callMeeting(
  { db, clock }: Services,
  args: { project: Project; actor: string; form: MeetingForm; scheduledAt: Date; deadline: Date },
): Promise<DecisionMeeting> {
  const permission = canRunMeeting(args.actor, args.project);
  if (!permission.allowed) throw forbidden(permission.reason);
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    const m = await insertMeeting(trx, {
      teamId: args.project.team_id,
      projectId: args.project.id,
      channelId: args.project.channel_id,
      question: args.form.question,
      scheduledAt: args.scheduledAt,
      deadline: args.deadline,
      participants: [...new Set(args.form.participants)],
      metric: args.form.metric,
      createdBy: args.actor,
      at,
    });
    await appendLog(trx, {
      teamId: m.team_id,
      projectId: m.project_id,
      meetingId: m.id,
      kind: 'note',
      authorUserId: args.actor,
      text: `Decision meeting called: ${m.question}`,
      details: { scheduledAt: m.scheduled_at, deadline: m.proposal_deadline, participants: m.participants },
      at,
    });
    await scheduleAhead(trx, m, at, { by: args.actor });
    return m;
  });
}

/** The meeting, if it exists here and the actor runs it; `open` also requires it undecided. */
export async function runnableMeeting(
  db: Db,
  teamId: string,
  actor: string,
  id: number,
): Promise<MeetingWithProject> {
  const m = await findMeeting(db, teamId, id);
  if (!m) throw notFound('That meeting does not exist in this workspace.');
  const permission = canRunMeeting(actor, m);
  if (!permission.allowed) throw forbidden(permission.reason);
  assertOpen(m);
  return m;
}

/** A settled meeting answers every button with what happened to it. */
export function assertOpen(m: Pick<DecisionMeeting, 'status' | 'question'>): void {
  if (m.status === 'decided')
    throw conflict('This meeting has already been decided; its decision is in the thread.');
  if (m.status === 'cancelled') throw conflict('This meeting was cancelled; nothing more happens in it.');
}

/**
 * Runs `change` in a transaction on the locked meeting, once it is known to exist here, to
 * be run by the actor and to be still open: every change the lead makes goes through it.
 */
export async function changeOpenMeeting<T>(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  id: number,
  change: (trx: Transaction<Database>, locked: DecisionMeeting, at: Date) => Promise<T>,
): Promise<T> {
  await runnableMeeting(db, teamId, actor, id);
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    const locked = await lockMeeting(trx, teamId, id);
    if (!locked) throw notFound('That meeting does not exist in this workspace.');
    // Settled between the first look and the lock: the later of two presses says so.
    assertOpen(locked);
    return change(trx, locked, at);
  });
}

/** Tells everyone already invited that the meeting changed (or ended), in their working hours. */
async function scheduleNotices(trx: Db, m: DecisionMeeting, at: Date): Promise<void> {
  const invited = await sentMeetingDms(trx, m.team_id, m.id, ['meeting_invite']);
  for (const { recipient_id } of invited) {
    await scheduleDelivery(trx, {
      teamId: m.team_id,
      kind: 'meeting_notice',
      dedupeKey: noticeKey(m, recipient_id, m.revision),
      recipientId: recipient_id,
      dueAt: at,
      projectId: m.project_id,
      meetingId: m.id,
      at,
    });
  }
}

export async function rescheduleMeeting(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
  times: { scheduledAt: Date; deadline: Date },
): Promise<DecisionMeeting> {
  return changeOpenMeeting(services, teamId, actor, id, async (trx, locked, at) => {
    const m = await updateMeeting(trx, teamId, id, {
      scheduled_at: times.scheduledAt,
      proposal_deadline: times.deadline,
      // A deadline moved back into the future reopens proposals; a pre-read comes again then.
      closed_at: times.deadline.getTime() > at.getTime() ? null : locked.closed_at,
      revision: locked.revision + 1,
      updated_at: at,
    });
    await cancelPending(
      trx,
      { teamIds: [teamId], meetingId: id, kinds: ['meeting_reminder', 'meeting_preread', 'meeting_notice'] },
      at,
    );
    if (!m.closed_at) await scheduleAhead(trx, m, at, false);
    await scheduleNotices(trx, m, at);
    await appendLog(trx, {
      teamId,
      projectId: m.project_id,
      meetingId: id,
      kind: 'note',
      authorUserId: actor,
      text: `Decision meeting rescheduled: ${m.question}`,
      details: {
        from: locked.scheduled_at,
        to: m.scheduled_at,
        deadlineFrom: locked.proposal_deadline,
        deadlineTo: m.proposal_deadline,
      },
      at,
    });
    return m;
  });
}

export async function cancelMeeting(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
): Promise<DecisionMeeting> {
  return changeOpenMeeting(services, teamId, actor, id, async (trx, locked, at) => {
    const m = await updateMeeting(trx, teamId, id, {
      status: 'cancelled',
      cancelled_by: actor,
      revision: locked.revision + 1,
      updated_at: at,
    });
    await cancelPending(trx, { teamIds: [teamId], meetingId: id }, at);
    await scheduleNotices(trx, m, at);
    await appendLog(trx, {
      teamId,
      projectId: m.project_id,
      meetingId: id,
      kind: 'note',
      authorUserId: actor,
      text: `Decision meeting cancelled: ${m.question}`,
      at,
    });
    return m;
  });
}

/**
 * Closes proposals now (the lead's button). The conditional update makes this the one
 * place that closes; the pending pre-read delivery is withdrawn, and one still being sent
 * by a replica is taken back by the scheduler when it finds its row cancelled.
 */
export async function closeProposals(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
): Promise<DecisionMeeting> {
  return changeOpenMeeting(services, teamId, actor, id, async (trx, locked, at) => {
    if (locked.closed_at) throw conflict('Proposals are already closed; the pre-read is in the thread.');
    const m = await updateMeeting(trx, teamId, id, { closed_at: at, updated_at: at });
    await cancelPending(
      trx,
      { teamIds: [teamId], meetingId: id, kinds: ['meeting_reminder', 'meeting_preread'] },
      at,
    );
    return m;
  });
}

/**
 * "None yet — collect more proposals": a decision that the meeting is not ready to decide.
 * Proposals reopen with a new deadline (and the meeting moves when it must), a new round
 * invites the participants again through the deliveries, and the log keeps the decision.
 */
export async function reopenForProposals(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
  args: { decision: string; times: { scheduledAt: Date; deadline: Date } },
): Promise<DecisionMeeting> {
  return changeOpenMeeting(services, teamId, actor, id, async (trx, locked, at) => {
    const m = await updateMeeting(trx, teamId, id, {
      scheduled_at: args.times.scheduledAt,
      proposal_deadline: args.times.deadline,
      closed_at: null,
      preread_ts: null,
      round: locked.round + 1,
      revision: locked.revision + 1,
      updated_at: at,
    });
    await cancelPending(trx, { teamIds: [teamId], meetingId: id }, at);
    await scheduleAhead(trx, m, at, { by: actor });
    await appendLog(trx, {
      teamId,
      projectId: m.project_id,
      meetingId: id,
      kind: 'decision',
      authorUserId: actor,
      text: `Decided: ${m.question} — none yet, collecting more proposals until ${formatMoment(args.times.deadline, 'UTC')}: ${args.decision}`,
      details: {
        outcome: 'more',
        question: m.question,
        decision: args.decision,
        round: m.round,
        deadlineFrom: locked.proposal_deadline,
        deadlineTo: m.proposal_deadline,
        from: locked.scheduled_at,
        to: m.scheduled_at,
      },
      at,
    });
    return m;
  });
}
