import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ids } from '../../../blocks/ids.js';
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
    await ack(result.response);
    await result
      .after?.()
      .catch((error: unknown) => services.logger.error('after-submission work failed', { error }));
  };
}

export function registerViews(app: App, services: Services): void {
  const hooks = hypothesisHooks(services);
  app.view(
    ids.hypothesis.newModal,
    submission(services, 'statement', (s, c, p) => submitNewHypothesis(s, c, p, hooks)),
  );
  app.view(
    ids.hypothesis.editModal,
    submission(services, 'statement', (s, c, p) => submitEditHypothesis(s, c, p, hooks)),
  );
  app.view(ids.project.modal, submission(services, 'name', submitProject));
  app.view(ids.project.editModal, submission(services, 'name', submitEditProject));
  app.view(ids.design.sectionModal, submission(services, 'content', submitSection));
  app.view(ids.design.editAllModal, submission(services, 'problem', submitEditAll));
  app.view(ids.review.requestModal, submission(services, 'reviewers', submitRequestReview));
  app.view(ids.review.changesModal, submission(services, 'overall', submitRequestChanges));
  app.view(ids.checkin.outcomeModal, submission(services, 'result', submitOutcome));
  app.view(ids.hypothesis.concludeModal, submission(services, 'answer', submitConcludeChoice));
  app.view(ids.checkin.extendModal, submission(services, 'reason', submitExtend));
  app.view(ids.snooze.modal, submission(services, 'when', submitSnooze));
  app.view(ids.timeSpent.modal, submission(services, 'hours', submitLogTime));
  app.view(ids.workspace.forgetModal, submission(services, 'confirm', submitForgetWorkspace));
  app.view(ids.meeting.modal, submission(services, 'question', submitMeeting));
  app.view(ids.meeting.rescheduleModal, submission(services, 'scheduledAt', submitReschedule));
  app.view(ids.meeting.proposalModal, submission(services, 'approach', submitProposal));
  app.view(ids.meeting.decisionModal, submission(services, 'decision', submitDecision));
  app.view(ids.meeting.hypothesesModal, submission(services, 'decision', submitDecisionHypotheses));
}
