import type { ModalView } from '@slack/types';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { count, md, plain } from './text.js';

/** The word a workspace admin types to confirm that everything is deleted. */
export const FORGET_CONFIRMATION = 'DELETE';

export interface WorkspaceHoldings {
  projects: number;
  hypotheses: number;
  logEntries: number;
}

/**
 * `/hypothesis forget-workspace`: what will be deleted, and a typed confirmation, since
 * nothing can bring it back.
 */
export function forgetWorkspaceModal(input: {
  holdings: WorkspaceHoldings;
  privateMetadata: string;
}): ModalView {
  const { projects, hypotheses, logEntries } = input.holdings;
  return {
    type: 'modal',
    callback_id: ids.workspace.forgetModal,
    title: plain('Forget this workspace', LIMITS.viewTitle),
    submit: plain('Delete everything', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks: [
      {
        type: 'section',
        text: md(
          `This deletes everything Labbook keeps about this workspace, for good: *${count(projects, 'project')}* with their design docs, *${count(hypotheses, 'hypothesis')}*, *${count(logEntries, 'experiment log entry')}*, decision meetings, proposals, scheduled check-ins and digests, working hours, and Labbook's access tokens for this workspace.`,
        ),
      },
      {
        type: 'section',
        text: md(
          'Messages Labbook already posted stay in Slack. To use Labbook again afterwards, install it again; it will start from nothing.',
        ),
      },
      {
        type: 'input',
        block_id: 'confirm',
        label: plain(`Type ${FORGET_CONFIRMATION} to confirm`, 2000),
        element: { type: 'plain_text_input', action_id: 'confirm', max_length: 20 },
      },
    ],
  };
}

export function workspaceForgottenModal(input: { uninstalled: boolean }): ModalView {
  return {
    type: 'modal',
    callback_id: ids.workspace.forgetModal,
    title: plain('Workspace forgotten', LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewSubmit),
    blocks: [
      {
        type: 'section',
        text: md(
          input.uninstalled
            ? 'Done: Labbook has deleted everything it kept about this workspace, its access tokens included. You can now remove the app from the workspace in Slack’s app settings, or install it again to start afresh.'
            : 'Done: Labbook has deleted everything it kept about this workspace. It starts from nothing the next time someone uses it.',
        ),
      },
    ],
  };
}

/**
 * The answer to the confirmation while Slack has not yet said whether the person is still
 * a workspace admin: nothing is deleted until it has; then the modal is updated.
 */
export function workspaceCheckingModal(): ModalView {
  return {
    type: 'modal',
    callback_id: ids.workspace.forgetModal,
    title: plain('Forget this workspace', LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewSubmit),
    blocks: [
      {
        type: 'section',
        text: md(
          'Slack is busy, so I am still checking that you are a workspace admin or owner. Nothing is deleted until that is confirmed; this window will say when it is done.',
        ),
      },
    ],
  };
}

/** The confirmation was not carried out: why, with nothing deleted. */
export function workspaceKeptModal(reason: string): ModalView {
  return {
    type: 'modal',
    callback_id: ids.workspace.forgetModal,
    title: plain('Nothing was deleted', LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewSubmit),
    blocks: [{ type: 'section', text: md(`Nothing was deleted. ${reason}`) }],
  };
}
