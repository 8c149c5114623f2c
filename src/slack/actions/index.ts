import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { ids } from '../../../blocks/ids.js';
import type { Services } from '../../services.js';
import { ANSWERS } from '../../rituals/checkins/checkins.js';
import { CheckInRef, openExtend, openOutcome, refreshExtendHint } from '../flows/checkins.js';
import { openConclude } from '../flows/conclude.js';
import { exportDesignDoc, openDoc } from '../flows/design/doc.js';
import { approve, openRequestChanges, openRequestReview } from '../flows/design/review.js';
import { openEditAll, openSectionEditor, SectionRef } from '../flows/design/sections.js';
import { shareInChannel } from '../flows/design/share.js';
import { hypothesisHooks } from '../flows/hooks.js';
import {
  openEditHypothesis,
  openNewHypothesis,
  refreshDueHint,
  showDetails,
  startFromCard,
} from '../flows/hypotheses.js';
import { ListRef, LogRef, showList, showLog } from '../flows/lists.js';
import {
  answerThreadReply,
  cancel as cancelMeeting,
  closeNow,
  showLeadControls,
  openDecision,
  openEditProposal,
  openProposal,
  openReschedule,
  withdraw as withdrawProposal,
} from '../flows/meetings/index.js';
import { openProjectModal } from '../flows/projectModal.js';
import { openSnooze } from '../flows/snooze.js';
import { openEditProject, ProjectMeta } from '../flows/projects.js';
import { BlockActionPayload, parseJson } from '../payloads.js';
import { checkSimilar, SearchRef, showSearchPage } from '../flows/search.js';
import { openLogTime } from '../flows/timeSpent.js';
import type { Routes } from '../routes.js';
import { tell, tellError, type Audience } from '../tell.js';
import { afterAcks } from '../afterAcks.js';

export interface ActionContext {
  services: Services;
  payload: BlockActionPayload;
  value: string | undefined;
  to: Audience & { teamId: string; triggerId: string };
}

const STALE = 'That button is out of date. Run the command again to get a fresh one.';

/** Acks at once, parses the payload, and turns any failure into a private answer. */
function action(services: Services, run: (ctx: ActionContext) => Promise<void>) {
  return async ({
    ack,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    await afterAcks();
    const parsed = BlockActionPayload.safeParse(body);
    if (!parsed.success) {
      services.logger.warn('malformed block action payload', { issues: parsed.error.issues });
      return;
    }
    const payload = parsed.data;
    const to = {
      client,
      userId: payload.user.id,
      respond: payload.response_url ? respond : undefined,
      channelId: payload.channel?.id ?? payload.container?.channel_id,
      teamId: payload.team.id,
      triggerId: payload.trigger_id,
    };
    try {
      await run({ services, payload, value: payload.actions[0]!.value, to });
    } catch (error) {
      await tellError(to, error, services.logger, {
        action: payload.actions[0]!.action_id,
        teamId: payload.team.id,
      });
    }
  };
}

const positiveId = z.coerce.number().int().positive();

export function registerActions(routes: Routes, services: Services): void {
  const hooks = hypothesisHooks(services);

  routes.action(
    ids.hypothesis.open,
    action(services, ({ to, value }) =>
      // From Home the value is 'home'; from a project message it is that project's channel.
      openNewHypothesis(services, { ...to, channelId: value && value !== 'home' ? value : undefined }),
    ),
  );

  routes.action(
    ids.hypothesis.timebox,
    action(services, async ({ payload, to }) => {
      if (!payload.view) return;
      const days = Number(payload.actions[0]!.value);
      await refreshDueHint(services, to.client, {
        teamId: to.teamId,
        userId: to.userId,
        view: payload.view,
        days,
      });
    }),
  );

  routes.action(
    ids.hypothesis.edit,
    action(services, async ({ to, value }) => {
      const id = positiveId.safeParse(value);
      if (!id.success) return tell(to, { text: STALE });
      await openEditHypothesis(services, to, id.data);
    }),
  );

  routes.action(
    ids.hypothesis.details,
    action(services, async ({ to, value }) => {
      const id = positiveId.safeParse(value);
      if (!id.success) return tell(to, { text: STALE });
      await showDetails(services, to, id.data);
    }),
  );

  routes.action(
    ids.hypothesis.start,
    action(services, async ({ to, value }) => {
      const id = positiveId.safeParse(value);
      if (!id.success) return tell(to, { text: STALE });
      await startFromCard(services, to, id.data, hooks);
    }),
  );

  routes.action(
    ids.hypothesis.conclude,
    action(services, async ({ to, value }) => {
      const id = positiveId.safeParse(value);
      if (!id.success) return tell(to, { text: STALE });
      await openConclude(services, to, id.data);
    }),
  );

  routes.action(
    ids.timeSpent.open,
    action(services, ({ to }) => openLogTime(services, to)),
  );

  routes.action(
    ids.project.open,
    action(services, async ({ to, value }) => {
      const meta = parseJson(ProjectMeta, value) ?? {};
      await openProjectModal(services, to.client, { ...to, ...meta });
    }),
  );

  routes.action(
    ids.project.edit,
    action(services, async ({ to, value }) => {
      const id = positiveId.safeParse(value);
      if (!id.success) return tell(to, { text: STALE });
      await openEditProject(services, to, id.data);
    }),
  );

  routes.actionsStartingWith(
    `${ids.design.editSection}.`,
    action(services, async ({ to, value }) => {
      const ref = parseJson(SectionRef, value);
      if (!ref) return tell(to, { text: STALE });
      await openSectionEditor(services, to, ref);
    }),
  );

  routes.actionsStartingWith(
    `${ids.list.page}.`,
    action(services, async ({ to, value }) => {
      const ref = parseJson(ListRef, value);
      if (!ref) return tell(to, { text: STALE });
      await showList(services, to, ref, true);
    }),
  );

  for (const answer of ANSWERS) {
    routes.action(
      ids.checkin[answer],
      action(services, async ({ to, value }) => {
        const ref = parseJson(CheckInRef, value);
        if (!ref) return tell(to, { text: STALE });
        await openOutcome(services, to, ref, answer);
      }),
    );
  }

  routes.action(
    ids.checkin.fromHome,
    action(services, async ({ payload, to }) => {
      const chosen = payload.actions[0]!.selected_option as { value?: string } | undefined;
      const ref = parseJson(CheckInRef.extend({ answer: z.enum([...ANSWERS, 'extend']) }), chosen?.value);
      if (!ref) return tell(to, { text: STALE });
      if (ref.answer === 'extend') await openExtend(services, to, ref);
      else await openOutcome(services, to, ref, ref.answer);
    }),
  );

  routes.action(
    ids.checkin.extendDays,
    action(services, async ({ payload, to }) => {
      if (!payload.view) return;
      await refreshExtendHint(services, to.client, {
        teamId: to.teamId,
        userId: to.userId,
        view: payload.view,
        days: Number(payload.actions[0]!.value),
      });
    }),
  );

  routes.action(
    ids.checkin.extend,
    action(services, async ({ to, value }) => {
      const ref = parseJson(CheckInRef, value);
      if (!ref) return tell(to, { text: STALE });
      await openExtend(services, to, ref);
    }),
  );

  routes.action(
    ids.snooze.open,
    action(services, async ({ to, value }) => {
      const ref = parseJson(CheckInRef, value);
      if (!ref) return tell(to, { text: STALE });
      await openSnooze(services, to, ref);
    }),
  );

  const byId = (run: (to: ActionContext['to'], id: number) => Promise<void>) =>
    action(services, async ({ to, value }) => {
      const id = positiveId.safeParse(value);
      if (!id.success) return tell(to, { text: STALE });
      await run(to, id.data);
    });
  // Decision meetings: every button carries the meeting's (or the proposal's) id.
  const meetingButtons: [string, (to: ActionContext['to'], id: number) => Promise<void>][] = [
    [ids.meeting.propose, (to, id) => openProposal(services, to, id)],
    [ids.meeting.leadControls, (to, id) => showLeadControls(services, to, id)],
    [ids.meeting.close, (to, id) => closeNow(services, to, id)],
    [ids.meeting.decide, (to, id) => openDecision(services, to, id)],
    [ids.meeting.reschedule, (to, id) => openReschedule(services, to, id)],
    [ids.meeting.cancel, (to, id) => cancelMeeting(services, to, id)],
    [ids.meeting.editProposal, (to, id) => openEditProposal(services, to, id)],
    [ids.meeting.withdrawProposal, (to, id) => withdrawProposal(services, to, id)],
    [ids.meeting.replyIsProposal, (to, id) => answerThreadReply(services, to, id, 'proposal')],
    [ids.meeting.replyIsDiscussion, (to, id) => answerThreadReply(services, to, id, 'discussion')],
  ];
  for (const [actionId, run] of meetingButtons) routes.action(actionId, byId(run));
  // The design doc's buttons carry the project id; a review DM's Approve and Request
  // changes carry the review id, and each flow checks who may press it.
  const designButtons: [string, (to: ActionContext['to'], id: number) => Promise<void>][] = [
    [ids.design.export, (to, id) => exportDesignDoc(services, to, id)],
    [ids.design.editAll, (to, id) => openEditAll(services, to, id)],
    [ids.design.share, (to, id) => shareInChannel(services, to, id)],
    [ids.review.request, (to, id) => openRequestReview(services, to, id)],
    [ids.review.approve, (to, id) => approve(services, to, id)],
    [ids.review.requestChanges, (to, id) => openRequestChanges(services, to, id)],
    [ids.review.openDoc, (to, id) => openDoc(services, to, id)],
  ];
  for (const [actionId, run] of designButtons) routes.action(actionId, byId(run));

  routes.action(
    ids.search.more,
    action(services, async ({ to, value }) => {
      const ref = parseJson(SearchRef, value);
      if (!ref) return tell(to, { text: STALE });
      await showSearchPage(services, to, ref, true);
    }),
  );

  routes.action(
    ids.search.checkSimilar,
    action(services, async ({ payload, to }) => {
      if (payload.view) await checkSimilar(services, to.client, to.teamId, payload.view);
    }),
  );

  routes.action(
    ids.log.older,
    action(services, async ({ to, value }) => {
      const ref = parseJson(LogRef, value);
      if (!ref) return tell(to, { text: STALE });
      await showLog(services, to, ref, true);
    }),
  );
}
