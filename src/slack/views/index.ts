import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { ids } from '../../../blocks/ids.js';
import { savedLateModal } from '../../../blocks/savedLate.js';
import { DomainError } from '../../rituals/errors.js';
import type { Services } from '../../services.js';
import { submitExtend, submitOutcome } from '../flows/checkins.js';
import { submitConcludeChoice } from '../flows/conclude.js';
import { submitRequestChanges, submitRequestReview } from '../flows/design/review.js';
import { submitEditAll, submitSection } from '../flows/design/sections.js';
import { submitForgetWorkspace } from '../flows/forgetWorkspace.js';
import { hypothesisHooks } from '../flows/hooks.js';
import { submitEditHypothesis, submitNewHypothesis, type FlowResult } from '../flows/hypotheses.js';
import {
  submitDecision,
  submitDecisionHypotheses,
  submitMeeting,
  submitProposal,
  submitReschedule,
} from '../flows/meetings/index.js';
import { submitEditProject, submitProject } from '../flows/projects.js';
import { submitSnooze } from '../flows/snooze.js';
import { submitLogTime } from '../flows/timeSpent.js';
import { ViewSubmissionPayload } from '../payloads.js';
import type { Routes } from '../routes.js';
import { APOLOGY } from '../tell.js';

type Flow = (services: Services, client: WebClient, payload: ViewSubmissionPayload) => Promise<FlowResult>;

/**
 * A modal submission must be answered within 3 s, and validation errors can only be
 * shown in that answer, so the flow runs before the ack. Any failure is shown inline on
 * `primaryBlock`: the modal stays open and nothing typed is lost.
 */
function submission(services: Services, primaryBlock: string, flow: Flow) {
  return async ({
    ack,
    body,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const parsed = ViewSubmissionPayload.safeParse(body);
    if (!parsed.success) {
      services.logger.warn('malformed view submission', { issues: parsed.error.issues });
      await ack({
        response_action: 'errors',
        errors: { [primaryBlock]: 'Slack sent a form I could not read. Please try again.' },
      });
      return;
    }
    let result: FlowResult;
    try {
      result = await flow(services, client, parsed.data);
    } catch (error) {
      if (!(error instanceof DomainError))
        services.logger.error('view submission failed', { callbackId: parsed.data.view.callback_id, error });
      const message = error instanceof DomainError ? error.message.replace(/<@(\w+)>/g, '@$1') : APOLOGY;
      await ack({ response_action: 'errors', errors: { [primaryBlock]: message } });
      return;
    }
    const answered = await ack(result.response).then(
      () => true,
      (error: unknown) => {
        services.logger.warn('Slack stopped waiting for the answer to a form', {
          callbackId: parsed.data.view.callback_id,
          error,
        });
        return false;
      },
    );
    if (!answered) await showSavedLate(client, parsed.data, result.response, services);
    await result
      .after?.()
      .catch((error: unknown) => services.logger.error('after-submission work failed', { error }));
  };
}

const Titled = z.object({ title: z.object({ text: z.string() }) });

/**
 * Bolt answers a submission itself once Slack's 3 s have passed (a saturated process, a
 * locked row), so the flow's own answer cannot be delivered: Slack shows the person an
 * error over a form that is still open, although the flow saved everything. The form is
 * redrawn through the API instead, with the view the flow chose or a note that it was saved,
 * so nobody submits it twice; the work after the ack still runs.
 */
async function showSavedLate(
  client: WebClient,
  payload: ViewSubmissionPayload,
  response: FlowResult['response'],
  services: Services,
): Promise<void> {
  // Inline errors: nothing was saved, and the form that Slack still shows can be sent again.
  if (response?.response_action === 'errors') return;
  const title = Titled.safeParse(payload.view);
  const view =
    response?.response_action === 'update'
      ? response.view
      : savedLateModal(title.success ? title.data.title.text : '');
  await client.views
    .update({ view_id: payload.view.id, view })
    .catch((error: unknown) => services.logger.warn('could not redraw a form answered late', { error }));
}

export function registerViews(routes: Routes, services: Services): void {
  const hooks = hypothesisHooks(services);
  routes.view(
    ids.hypothesis.newModal,
    submission(services, 'statement', (s, c, p) => submitNewHypothesis(s, c, p, hooks)),
  );
  routes.view(
    ids.hypothesis.editModal,
    submission(services, 'statement', (s, c, p) => submitEditHypothesis(s, c, p, hooks)),
  );
  routes.view(ids.project.modal, submission(services, 'name', submitProject));
  routes.view(ids.project.editModal, submission(services, 'name', submitEditProject));
  routes.view(ids.design.sectionModal, submission(services, 'content', submitSection));
  routes.view(ids.design.editAllModal, submission(services, 'problem', submitEditAll));
  routes.view(ids.review.requestModal, submission(services, 'reviewers', submitRequestReview));
  routes.view(ids.review.changesModal, submission(services, 'overall', submitRequestChanges));
  routes.view(ids.checkin.outcomeModal, submission(services, 'result', submitOutcome));
  routes.view(ids.hypothesis.concludeModal, submission(services, 'answer', submitConcludeChoice));
  routes.view(ids.checkin.extendModal, submission(services, 'reason', submitExtend));
  routes.view(ids.snooze.modal, submission(services, 'when', submitSnooze));
  routes.view(ids.timeSpent.modal, submission(services, 'hours', submitLogTime));
  routes.view(ids.workspace.forgetModal, submission(services, 'confirm', submitForgetWorkspace));
  routes.view(ids.meeting.modal, submission(services, 'question', submitMeeting));
  routes.view(ids.meeting.rescheduleModal, submission(services, 'scheduledAt', submitReschedule));
  routes.view(ids.meeting.proposalModal, submission(services, 'approach', submitProposal));
  routes.view(ids.meeting.decisionModal, submission(services, 'decision', submitDecision));
  routes.view(ids.meeting.hypothesesModal, submission(services, 'decision', submitDecisionHypotheses));
}
