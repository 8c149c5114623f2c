import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  answeredCheckInMessage,
  EXTEND_DEFAULT_DAYS,
  extendHint,
  extendModal,
  outcomeAnnouncement,
  outcomeModal,
  type Answer,
} from '../../../blocks/checkin.js';
import { earlyNote } from '../../../blocks/conclude.js';
import { findHypothesis, hypothesesOfProject, type HypothesisWithProject } from '../../db/hypotheses.js';
import type { Db } from '../../db/index.js';
import type { Hypothesis } from '../../db/schema/index.js';
import {
  answerableHypothesis,
  CHECKIN_LIMITS,
  ExtendForm,
  extendTimebox,
  OutcomeForm,
  outcomeErrors,
  recordOutcome,
  earlyDays,
} from '../../rituals/checkins/checkins.js';
import { canEditHypothesis } from '../../rituals/plan/permissions.js';
import { startInTransaction } from '../../rituals/plan/hypotheses.js';
import { TIMEBOX } from '../../rituals/plan/hypothesisDraft.js';
import type { Services } from '../../services.js';
import { slackMoment } from '../../../blocks/text.js';
import { timeboxSpan } from '../../rituals/checkins/timeboxSpan.js';
import { addDays, formatDay, formatMoment } from '../../time.js';
import { parseJson, type ViewSubmissionPayload } from '../payloads.js';
import { knownZone, userZone } from '../people.js';
import type { Audience } from '../tell.js';
import { refreshHomes } from './home.js';
import { hypothesisHooks } from './hooks.js';
import { refreshCard, workingDaysFor } from './hypotheses.js';
import { redrawView } from './redrawView.js';
import { errorsResponse, readSubmission, type FlowResult } from './result.js';

export const CheckInRef = z.object({
  hypothesisId: z.number().int().positive(),
  round: z.number().int().min(0),
});
export type CheckInRef = z.infer<typeof CheckInRef>;
const OutcomeMeta = CheckInRef.extend({
  answer: z.enum(['validated', 'disproven', 'inconclusive', 'abandoned']),
});

/** The next step offered when the hypothesis failed or succeeded: from its own plan. */
function suggestedNextStep(h: Hypothesis, answer: Answer): string | null {
  if (answer === 'validated') return h.next_on_success;
  if (answer === 'abandoned') return null;
  return h.next_on_failure;
}

/** "try H2" in the next step pre-selects H2 to start at once. */
function mentionedHypothesis(
  text: string | null,
  candidates: { id: number; number: number }[],
): number | null {
  const n = /\bH(\d+)\b/i.exec(text ?? '')?.[1];
  return candidates.find((c) => String(c.number) === n)?.id ?? null;
}

/**
 * The outcome form for one answer, for whoever may record it now: from the check-in DM,
 * the escalation, the Home tab, the card or `/hypothesis conclude`, before the timebox
 * ends too (the form then says which day of it this is).
 */
export async function outcomeView(
  services: Services,
  who: { teamId: string; userId: string },
  ref: CheckInRef,
  answer: Answer,
  tz: string,
): Promise<ModalView> {
  const h = await answerableHypothesis(services.db, who.teamId, who.userId, ref, tz, answer);
  const candidates = (await hypothesesOfProject(services.db, who.teamId, h.project_id)).filter(
    (c) => c.status === 'proposed' && c.id !== h.id,
  );
  const nextStep = suggestedNextStep(h, answer);
  const now = services.clock.now();
  const note = earlyNote(earlyDays(h, now));
  return outcomeModal({
    h,
    answer,
    nextStep,
    nextCandidates: answer === 'abandoned' ? [] : candidates,
    suggestedNextId: mentionedHypothesis(nextStep, candidates),
    privateMetadata: JSON.stringify({ ...ref, answer }),
    limits: CHECKIN_LIMITS,
    ...(note ? { note } : {}),
  });
}

/** Validated / Disproven / Inconclusive / Abandon: opens the form for the result. */
export async function openOutcome(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  ref: CheckInRef,
  answer: Answer,
): Promise<void> {
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  const view = await outcomeView(services, to, ref, answer, tz);
  await to.client.views.open({ trigger_id: to.triggerId, view });
}

export async function openExtend(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  ref: CheckInRef,
) {
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  const h = await answerableHypothesis(services.db, to.teamId, to.userId, ref, tz);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: extendModal({
      h,
      extensions: h.extension_count,
      timebox: TIMEBOX,
      reasonMax: CHECKIN_LIMITS.reason,
      privateMetadata: JSON.stringify(ref),
      dueHint: await extendHintFor(services, to.teamId, to.userId, tz, h.owner_user_id, EXTEND_DEFAULT_DAYS),
    }),
  });
}

/** "Counted from today: due …", with the owner's working days when holidays or days away fall in it. */
async function extendHintFor(
  services: Services,
  teamId: string,
  viewer: string,
  tz: string,
  owner: string,
  days: number,
): Promise<string> {
  const start = services.clock.now();
  const due = addDays(start, days);
  return extendHint(
    formatDay(due, tz),
    await workingDaysFor(services, { teamId, viewer, tz, owner, start, due }),
  );
}

/** Redraws the extension's due date as its days are typed; what was typed is kept. */
export async function refreshExtendHint(
  services: Services,
  client: WebClient,
  args: { teamId: string; userId: string; view: { id: string; hash?: string | undefined }; days: number },
): Promise<void> {
  if (!Number.isInteger(args.days) || args.days < TIMEBOX.min || args.days > TIMEBOX.max) return;
  const original = args.view as typeof args.view & Record<string, unknown>;
  const ref = parseJson(CheckInRef, String(original.private_metadata ?? ''));
  const h = ref && (await findHypothesis(services.db, args.teamId, ref.hypothesisId));
  if (!h) return;
  const tz = await userZone(services, client, args.teamId, args.userId);
  const hint = await extendHintFor(services, args.teamId, args.userId, tz, h.owner_user_id, args.days);
  await redrawView(client, services.logger, original, (blocks) =>
    blocks.map((b) => (b.block_id === 'days' ? { ...b, hint: { type: 'plain_text', text: hint } } : b)),
  );
}

/** Starts the hypothesis chosen as the next step, inside the outcome's transaction. */
function startNextWith(services: Services, teamId: string, actor: string) {
  const hooks = hypothesisHooks(services);
  return async (trx: Db, id: number): Promise<Hypothesis | null> => {
    const next = await findHypothesis(trx, teamId, id);
    if (!next || next.status !== 'proposed' || !canEditHypothesis(actor, next).allowed) return null;
    return startInTransaction(trx, teamId, actor, id, services.clock.now(), hooks);
  };
}

export async function submitOutcome(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: OutcomeMeta,
    form: OutcomeForm,
    what: 'the check-in',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const errors = outcomeErrors(meta.answer, form);
  if (Object.keys(errors).length > 0) return errorsResponse(errors);
  const tz = await knownZone(services, teamId, actor);
  const recorded = await recordOutcome(
    services,
    teamId,
    actor,
    meta,
    meta.answer,
    form,
    tz,
    startNextWith(services, teamId, actor),
  );
  return {
    after: async () => {
      const h = await findHypothesis(services.db, teamId, recorded.hypothesis.id);
      if (!h) return;
      const label =
        meta.answer === 'abandoned' ? 'Abandoned' : meta.answer[0]!.toUpperCase() + meta.answer.slice(1);
      await closeCheckInDms(services, client, h, {
        label,
        by: actor,
        at: recorded.hypothesis.concluded_at ?? services.clock.now(),
        result: h.result,
        learnings: h.learnings,
      });
      // The card above is redrawn with the outcome; the announcement goes in its thread, so
      // the channel gets no second post about the same hypothesis.
      const underCard =
        h.card_ts && h.card_channel_id === h.project_channel_id ? { thread_ts: h.card_ts } : {};
      await client.chat
        .postMessage({
          channel: h.project_channel_id,
          ...underCard,
          ...outcomeAnnouncement({
            h,
            answer: meta.answer,
            by: actor,
            result: h.result,
            learnings: h.learnings,
            nextStep: h.next_step,
            span: timeboxSpan(h),
            startedNext: recorded.startedNext,
          }),
        })
        .catch((error: unknown) =>
          services.logger.warn('could not announce the outcome', { error: String(error) }),
        );
      await refreshCard(services, client, teamId, h.id);
      if (recorded.startedNext) await refreshCard(services, client, teamId, recorded.startedNext.id);
      await refreshHomes(services, client, teamId, [actor, h.owner_user_id]);
    },
  };
}

export async function submitExtend(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, { meta: CheckInRef, form: ExtendForm, what: 'the check-in' });
  if (!read.ok) return read.result;
  const { teamId, actor, meta: ref, form } = read;
  const tz = await knownZone(services, teamId, actor);
  const { hypothesis, extensionNumber } = await extendTimebox(services, teamId, actor, ref, form, tz);
  return {
    after: async () => {
      const h = await findHypothesis(services.db, teamId, hypothesis.id);
      if (!h?.due_at) return;
      await closeCheckInDms(
        services,
        client,
        h,
        {
          label: `Extended (${extensionNumber}), now due ${slackMoment(h.due_at, formatMoment(h.due_at, tz))}`,
          by: actor,
          at: services.clock.now(),
          result: null,
          learnings: null,
        },
        ref.round,
      );
      await refreshCard(services, client, teamId, h.id);
      await refreshHomes(services, client, teamId, [actor, h.owner_user_id]);
    },
  };
}

/**
 * Replaces the buttons of every check-in and reminder DM of the answered round with the
 * answer, so an old DM cannot be pressed again by mistake.
 */
async function closeCheckInDms(
  services: Services,
  client: WebClient,
  h: HypothesisWithProject,
  answer: { label: string; by: string; at: Date; result: string | null; learnings: string | null },
  round = h.extension_count,
): Promise<void> {
  const dms = await services.db
    .selectFrom('deliveries')
    .select(['channel_id', 'message_ts'])
    .where('team_id', '=', h.team_id)
    .where('hypothesis_id', '=', h.id)
    .where('kind', 'in', ['checkin', 'reminder'])
    .where('status', '=', 'sent')
    .where('dedupe_key', 'like', `%:${h.id}:${round}:%`)
    .execute();
  const message = answeredCheckInMessage({ h, round }, answer);
  for (const dm of dms) {
    if (!dm.channel_id || !dm.message_ts) continue;
    await client.chat
      .update({ channel: dm.channel_id, ts: dm.message_ts, ...message })
      .catch((error: unknown) =>
        services.logger.warn('could not update a check-in DM', { error: String(error) }),
      );
  }
}
