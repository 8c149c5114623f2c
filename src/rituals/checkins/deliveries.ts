import { checkInMessage, leadNotice } from '../../../blocks/checkin.js';
import { escalationMessage } from '../../../blocks/escalation.js';
import { notNowBlock } from '../../../blocks/snooze.js';
import { userText } from '../../../blocks/text.js';
import { scheduleDelivery, type NewDelivery } from '../../db/deliveries.js';
import { appendLog } from '../../db/experimentLog.js';
import { findHypothesis, type HypothesisWithProject } from '../../db/hypotheses.js';
import { findProject } from '../../db/projects.js';
import type { Delivery } from '../../db/schema/index.js';
import type { DeliveryContext, DeliveryPlan, DeliveryRitual } from '../../scheduler/rituals.js';
import type { KnownBlock } from '@slack/types';
import { formatMoment, inZone } from '../../time.js';
import { noMetrics } from '../../trackers/index.js';
import { recipientTime } from '../workingTime.js';
import { roundOf } from './checkins.js';
import { addWorkingDays } from './workingHours.js';

export const CHECKIN_KINDS = [
  'checkin',
  'reminder',
  'escalation',
  'extension_notice',
  'failure_notice',
] as const;

/** Check-in, reminders and escalation of one round share this key stem. */
export const roundKey = (h: { id: number; extension_count: number; due_at: Date | null }) =>
  `${h.id}:${h.extension_count}:${h.due_at?.getTime() ?? 0}`;

/** The timebox check-in ritual's deliveries: the check-in, 0–2 reminders, escalation, notices to the lead. */
export const checkInDeliveries: DeliveryRitual = {
  kinds: CHECKIN_KINDS,
  plan: planCheckInDelivery,
  failedForGood: tellLeadOfFailure,
};

/**
 * Decides what a due check-in delivery becomes now: a message to send (and what follows
 * it), a later time (outside the recipient's working hours), or nothing (the hypothesis
 * was answered, extended or edited since it was scheduled).
 */
async function planCheckInDelivery(
  { services, client }: DeliveryContext,
  d: Delivery,
): Promise<DeliveryPlan> {
  const now = services.clock.now();
  const h = d.hypothesis_id ? await findHypothesis(services.db, d.team_id, d.hypothesis_id) : undefined;
  if (!h) return { type: 'cancel', why: 'hypothesis gone' };
  const stem = d.dedupe_key.split(':').slice(1, 4).join(':');
  const current = h.status === 'running' && stem === roundKey(h);
  if (!current && ['checkin', 'reminder', 'escalation'].includes(d.kind)) {
    return { type: 'cancel', why: 'answered or rescheduled' };
  }
  // Asked of whoever owns or leads it now, which may not be who it was scheduled for.
  const recipientId =
    d.kind === 'checkin' || d.kind === 'reminder'
      ? h.owner_user_id
      : d.kind === 'escalation'
        ? h.lead_user_id
        : d.recipient_id;
  // Claimed means due; the only question left is whether it is working time for them now.
  const time = await recipientTime(services, client, d.team_id, recipientId, now);
  const { tz, hours, sendAt } = time;
  if (sendAt.getTime() > now.getTime()) return { type: 'later', when: sendAt };
  // A snoozed asking (`…:0:s1`) and what follows it carry the snooze's tag in their keys.
  const tag = d.dedupe_key.split(':')[5];
  const followUp = (kind: NewDelivery['kind'], n: number, recipientId: string) => (sentAt: Date) => ({
    teamId: d.team_id,
    kind,
    dedupeKey: `${kind}:${roundKey(h)}${tag ? `:${n}:${tag}` : kind === 'reminder' ? `:${n}` : ''}`,
    recipientId,
    dueAt: addWorkingDays(sentAt, 1, tz, hours),
    projectId: h.project_id,
    hypothesisId: h.id,
    at: sentAt,
  });
  // Bounded by the trackers' timeout; a tracker that fails is named, the DM still goes.
  const metrics =
    d.kind === 'checkin' || d.kind === 'reminder' ? await (services.trackers ?? noMetrics).hints(h) : [];
  const input = {
    h,
    round: roundOf(h),
    metrics,
  };
  const reminders = time.workspace?.reminder_count ?? 1;
  // After reminder n (the check-in is 0): the next reminder, or the lead hears.
  const after = (n: number) =>
    n < reminders ? followUp('reminder', n + 1, h.owner_user_id) : followUp('escalation', 0, h.lead_user_id);
  const asking = (message: { text: string; blocks: KnownBlock[] }) => ({
    ...message,
    blocks: [...message.blocks, notNowBlock(h, roundOf(h))],
  });

  switch (d.kind) {
    case 'checkin':
      return {
        type: 'send',
        recipientId,
        message: asking(
          tag
            ? withNote(checkInMessage(input), `You asked me to come back to H${h.number} today.`)
            : time.waitedSince(d.due_at)
              ? withNote(checkInMessage(input), awayNote(h, tz))
              : checkInMessage(input),
        ),
        followUp: after(0),
      };
    case 'reminder': {
      const n = Number(d.dedupe_key.split(':')[4] ?? 1);
      return {
        type: 'send',
        recipientId,
        message: asking(checkInMessage(input, { reminder: n })),
        followUp: after(n),
      };
    }
    case 'escalation':
      return {
        type: 'send',
        recipientId,
        message: escalationMessage(escalationText(h, tz, reminders), h, roundOf(h)),
        effect: async (trx, sent) => {
          await trx
            .updateTable('hypotheses')
            .set({ overdue_since: sent.at, updated_at: sent.at })
            .where('team_id', '=', h.team_id)
            .where('id', '=', h.id)
            .where('status', '=', 'running')
            .execute();
        },
      };
    case 'extension_notice': {
      const latest = await services.db
        .selectFrom('hypothesis_extensions')
        .selectAll()
        .where('team_id', '=', d.team_id)
        .where('hypothesis_id', '=', h.id)
        .orderBy('extension_number', 'desc')
        .executeTakeFirst();
      return {
        type: 'send',
        recipientId,
        message: leadNotice(extensionText(h, latest?.extended_by ?? h.owner_user_id, latest?.reason ?? '')),
      };
    }
    case 'failure_notice': {
      const failedId = Number(d.dedupe_key.split(':')[1]);
      const failed = await services.db
        .selectFrom('deliveries')
        .select('last_error')
        .where('team_id', '=', d.team_id)
        .where('id', '=', failedId)
        .executeTakeFirst();
      return {
        type: 'send',
        recipientId,
        message: leadNotice(failureText(h, failed?.last_error ?? 'unknown')),
      };
    }
    default:
      return { type: 'cancel', why: `unknown kind ${d.kind}` };
  }
}

/**
 * A check-in that can never arrive is recorded in the log and shown to the project lead;
 * if the lead is the one who cannot be reached, the project channel hears it.
 */
async function tellLeadOfFailure({ services }: DeliveryContext, d: Delivery, detail: string): Promise<void> {
  if (d.kind === 'failure_notice' || !d.project_id) return;
  const { db, clock } = services;
  const project = await findProject(db, d.team_id, d.project_id);
  if (!project) return;
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await appendLog(trx, {
      teamId: d.team_id,
      projectId: project.id,
      hypothesisId: d.hypothesis_id,
      kind: 'note',
      authorUserId: 'USLACKBOT',
      text: `A ${d.kind === 'checkin' ? 'check-in' : d.kind.replace('_', ' ')} could not be delivered to its recipient: ${detail}.`,
      details: { deliveryId: d.id, recipient: d.recipient_id, error: detail },
      at: now,
    });
    await scheduleDelivery(trx, {
      teamId: d.team_id,
      kind: 'failure_notice',
      dedupeKey: `failure_notice:${d.id}`,
      recipientId: project.lead_user_id === d.recipient_id ? project.channel_id : project.lead_user_id,
      dueAt: now,
      projectId: project.id,
      hypothesisId: d.hypothesis_id,
      at: now,
    });
  });
}

/** A check-in that waited for its owner to be back opens by saying why it is late. */
function awayNote(h: HypothesisWithProject, tz: string): string {
  const ended = h.due_at ? ` ended on ${inZone(h.due_at, tz).format('ddd D MMM')}` : ' ended';
  return `You were away; H${h.number}'s timebox${ended}.`;
}

function withNote<M extends { text: string; blocks: KnownBlock[] }>(message: M, note: string): M {
  return {
    ...message,
    text: `${note} ${message.text}`,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: note }] }, ...message.blocks],
  };
}

function escalationText(h: HypothesisWithProject, tz: string, reminders: number): string {
  const due = h.due_at ? formatMoment(h.due_at, tz) : 'its due date';
  const asked =
    reminders === 0 ? '' : reminders === 1 ? ', after a reminder' : `, after ${reminders} reminders`;
  return `:warning: <@${h.owner_user_id}> has not answered the check-in for *H${h.number}* (${userText(h.project_name, 80)}), due ${due}${asked}. It is now marked overdue. You can answer for them, extend it, give it a new owner (who gets the check-in) or abandon it:`;
}

function extensionText(h: HypothesisWithProject, by: string, reason: string): string {
  return `:stopwatch: *H${h.number}* (${userText(h.project_name, 80)}) was extended for the ${ordinal(h.extension_count)} time by <@${by}>: _${userText(reason, 500)}_. Repeated extensions are a sign the hypothesis may need splitting or stopping.`;
}

function failureText(h: HypothesisWithProject, error: string): string {
  return `:no_entry: I could not deliver the check-in for *H${h.number}* (${userText(h.project_name, 80)}) to <@${h.owner_user_id}>: Slack says \`${error}\`. If they have left, give the hypothesis a new owner with *Edit* on its card.`;
}

const ordinal = (n: number) => (n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`);
