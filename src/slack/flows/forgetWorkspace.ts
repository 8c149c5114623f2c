import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  FORGET_CONFIRMATION,
  forgetWorkspaceModal,
  workspaceCheckingModal,
  workspaceForgottenModal,
  workspaceKeptModal,
} from '../../../blocks/workspace.js';
import { forgetWorkspace, workspaceHoldings } from '../../db/workspaces.js';
import type { Services } from '../../services.js';
import type { ViewSubmissionPayload } from '../payloads.js';
import { DomainError, forbidden } from '../../rituals/errors.js';
import { isWorkspaceAdminNow, requireWorkspaceAdmin } from '../people.js';
import type { Audience } from '../tell.js';
import { readSubmission, staleForm, type FlowResult } from './result.js';

const REFUSAL = 'Only a workspace admin or owner can delete what Labbook keeps about this workspace.';

const ForgetMeta = z.object({ teamId: z.string().min(1) });
const ForgetForm = z.object({
  confirm: z
    .string({ error: `Type ${FORGET_CONFIRMATION} to confirm.` })
    .refine((v) => v.trim().toUpperCase() === FORGET_CONFIRMATION, {
      error: `Type ${FORGET_CONFIRMATION} to confirm.`,
    }),
});

/**
 * `/hypothesis forget-workspace`: a workspace admin deletes all of the workspace's data,
 * as the Slack Marketplace asks apps to offer. First a modal says what goes.
 */
export async function openForgetWorkspace(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
): Promise<void> {
  // The trigger_id lasts 3 s, so Slack is asked through the fail-fast client. When it
  // cannot say in time, the confirmation opens anyway: its submission asks again before
  // anything is deleted.
  if ((await isWorkspaceAdminNow(to.client, to.userId, services.logger)) === false) throw forbidden(REFUSAL);
  const holdings = await workspaceHoldings(services.db, to.teamId);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: forgetWorkspaceModal({ holdings, privateMetadata: JSON.stringify({ teamId: to.teamId }) }),
  });
}

export async function submitForgetWorkspace(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: ForgetMeta,
    form: ForgetForm,
    what: '/hypothesis forget-workspace',
  });
  if (!read.ok) return read.result;
  if (read.meta.teamId !== read.teamId) return staleForm(client, read.actor, '/hypothesis forget-workspace');
  // Asked again: whoever submits must still be an admin now. The ack waits on the answer,
  // so Slack is asked through the fail-fast lookup client; if it does not say in time, the
  // form says so and the question is asked again after the ack, through the interactive
  // client (which waits out a Retry-After), before anything is deleted.
  const admin = await isWorkspaceAdminNow(client, read.actor, services.logger);
  if (admin === false) throw forbidden(REFUSAL);
  if (admin === true) {
    const uninstalled = await forget(services, read.teamId, read.actor);
    return { response: { response_action: 'update', view: workspaceForgottenModal({ uninstalled }) } };
  }
  const { teamId, actor } = read;
  return {
    response: { response_action: 'update', view: workspaceCheckingModal() },
    after: async () => {
      const view = await forgetOnceChecked(services, client, teamId, actor).catch((error: unknown) => {
        services.logger.error('forgetting the workspace failed', { teamId, error });
        return workspaceKeptModal('Something went wrong on my side; please try again in a moment.');
      });
      await client.views.update({ view_id: payload.view.id, view });
    },
  };
}

/** After the ack: the admin check through the interactive client, then the deletion. */
async function forgetOnceChecked(
  services: Services,
  client: WebClient,
  teamId: string,
  actor: string,
): Promise<ModalView> {
  try {
    await requireWorkspaceAdmin(client, actor, REFUSAL);
  } catch (error) {
    if (error instanceof DomainError) return workspaceKeptModal(error.message);
    services.logger.warn('could not check that the person is a workspace admin; nothing deleted', {
      teamId,
      userId: actor,
      error: String(error),
    });
    return workspaceKeptModal(
      'Slack could not tell me whether you are a workspace admin. Please try `/hypothesis forget-workspace` again in a few minutes.',
    );
  }
  return workspaceForgottenModal({ uninstalled: await forget(services, teamId, actor) });
}

async function forget(services: Services, teamId: string, by: string): Promise<boolean> {
  const { uninstalled } = await forgetWorkspace(services.db, teamId);
  services.logger.info('workspace data deleted at an admin’s request', { teamId, by, uninstalled });
  return uninstalled;
}
