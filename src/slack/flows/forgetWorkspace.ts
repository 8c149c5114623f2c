import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  FORGET_CONFIRMATION,
  forgetWorkspaceModal,
  workspaceForgottenModal,
} from '../../../blocks/workspace.js';
import { forgetWorkspace, workspaceHoldings } from '../../db/workspaces.js';
import type { Services } from '../../services.js';
import type { ViewSubmissionPayload } from '../payloads.js';
import { requireWorkspaceAdmin } from '../people.js';
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
  await requireWorkspaceAdmin(to.client, to.userId, REFUSAL);
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
  // Asked again: whoever submits must still be an admin now.
  await requireWorkspaceAdmin(client, read.actor, REFUSAL);
  const { uninstalled } = await forgetWorkspace(services.db, read.teamId);
  services.logger.info('workspace data deleted at an admin’s request', {
    teamId: read.teamId,
    by: read.actor,
    uninstalled,
  });
  return { response: { response_action: 'update', view: workspaceForgottenModal({ uninstalled }) } };
}
