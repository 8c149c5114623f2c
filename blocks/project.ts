import type { KnownBlock, ModalView } from '@slack/types';
import { CONCLUDED } from '../src/rituals/plan/hypotheses.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { md, mention, plain, userText } from './text.js';

export interface ProjectModalInput {
  channelId?: string;
  suggestedName?: string;
  leadDefault: string;
  phases: readonly string[];
  nameMax: number;
  problemMax: number;
  privateMetadata: string;
  notice?: string;
  /** Editing an existing project: its channel and problem statement are not asked again. */
  editing?: { name: string; memberIds: string[]; phase: string; stage: string; stages: readonly string[] };
}

const phaseLabel = (phase: string) => phase[0]!.toUpperCase() + phase.slice(1);

export function projectModal(input: ProjectModalInput): ModalView {
  const { editing } = input;
  const phaseOptions = input.phases.map((p) => ({ text: plain(phaseLabel(p), LIMITS.optionText), value: p }));
  const initialPhase = phaseOptions.find((o) => o.value === editing?.phase) ?? phaseOptions[0];
  const blocks: KnownBlock[] = [];
  if (input.notice) blocks.push({ type: 'context', elements: [md(input.notice)] });
  blocks.push({
    type: 'input',
    block_id: 'name',
    label: plain('Project name', 2000),
    element: {
      type: 'plain_text_input',
      action_id: 'name',
      max_length: input.nameMax,
      ...((editing?.name ?? input.suggestedName)
        ? { initial_value: (editing?.name ?? input.suggestedName ?? '').slice(0, input.nameMax) }
        : {}),
    },
  });
  if (!editing) {
    blocks.push({
      type: 'input',
      block_id: 'channelId',
      label: plain('Channel', 2000),
      hint: plain('Where check-ins are announced, meetings are held and the weekly digest is posted.', 2000),
      element: {
        type: 'conversations_select',
        action_id: 'channelId',
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(input.channelId ? { initial_conversation: input.channelId } : {}),
      },
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: 'leadUserId',
      label: plain('Project lead', 2000),
      hint: plain('Organises the rituals and records decisions.', 2000),
      element: { type: 'users_select', action_id: 'leadUserId', initial_user: input.leadDefault },
    },
    {
      type: 'input',
      block_id: 'memberIds',
      optional: true,
      label: plain('Members', 2000),
      element: {
        type: 'multi_users_select',
        action_id: 'memberIds',
        max_selected_items: 100,
        ...(editing?.memberIds.length ? { initial_users: editing.memberIds } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'phase',
      label: plain('Phase', 2000),
      element: {
        type: 'static_select',
        action_id: 'phase',
        options: phaseOptions,
        ...(initialPhase ? { initial_option: initialPhase } : {}),
      },
    },
  );
  if (editing) {
    const stageOptions = editing.stages.map((s) => ({
      text: plain(phaseLabel(s), LIMITS.optionText),
      value: s,
    }));
    blocks.push({
      type: 'input',
      block_id: 'stage',
      label: plain('Delivery stage', 2000),
      hint: plain(
        'Crawl: prove efficacy cheaply. Walk: a complete component. Run: a first-class system.',
        2000,
      ),
      element: {
        type: 'static_select',
        action_id: 'stage',
        options: stageOptions,
        ...(stageOptions.find((o) => o.value === editing.stage)
          ? { initial_option: stageOptions.find((o) => o.value === editing.stage)! }
          : {}),
      },
    });
    return {
      type: 'modal',
      callback_id: ids.project.editModal,
      title: plain('Edit project', LIMITS.viewTitle),
      submit: plain('Save', LIMITS.viewSubmit),
      close: plain('Cancel', LIMITS.viewSubmit),
      private_metadata: input.privateMetadata,
      blocks,
    };
  }
  blocks.push({
    type: 'input',
    block_id: 'problem',
    label: plain('Problem statement', 2000),
    hint: plain(
      'What we solve and why now, tied to a product or customer problem. The rest of the design doc can follow.',
      2000,
    ),
    element: {
      type: 'plain_text_input',
      action_id: 'problem',
      multiline: true,
      max_length: input.problemMax,
    },
  });
  return {
    type: 'modal',
    callback_id: ids.project.modal,
    title: plain('New project', LIMITS.viewTitle),
    submit: plain('Create project', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks,
  };
}

/**
 * What the person was doing when the channel turned out to have no project: only a new
 * hypothesis is led on to (its form follows the project's); the rest are done again after.
 */
const AFTER_PROJECT = {
  hypothesis: "and I'll take you straight to your hypothesis",
  design: 'then `/hypothesis design` opens its design doc',
  meeting: 'then `/hypothesis meeting` calls the decision meeting',
  meetings: "then `/hypothesis meetings` lists the project's decision meetings",
  list: "then `/hypothesis list` lists the project's hypotheses",
  log: "then `/hypothesis log` shows the project's experiment log",
  spent: 'then log the time again with `/hypothesis spent`',
  logShortcut: 'then choose *Add to experiment log* on the message again',
} as const;
export type AfterProject = keyof typeof AFTER_PROJECT;

/** Offered instead of failing when a command needs the channel's project and there is none. */
export function noProjectOffer(
  channelId: string,
  then: AfterProject = 'hypothesis',
): { text: string; blocks: KnownBlock[] } {
  return {
    text: 'This channel has no project yet.',
    blocks: [
      {
        type: 'section',
        text: md(
          `<#${channelId}> has no project yet. ${then === 'hypothesis' ? 'Hypotheses belong' : 'This belongs'} to a project: create one for this channel first, ${AFTER_PROJECT[then]}.`,
        ),
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ids.project.open,
            style: 'primary',
            text: plain('Create a project here', LIMITS.buttonText),
            value: JSON.stringify(then === 'hypothesis' ? { channelId, then } : { channelId }),
          },
        ],
      },
    ],
  };
}

export interface ProjectSummary {
  id: number;
  name: string;
  channel_id: string;
  lead_user_id: string;
  phase: string;
  stage: string;
  members: string[];
  counts: Record<string, number>;
  problem?: string;
  /** The design doc's review state in words (see reviewStateText). */
  designReview?: string;
}

export function projectMessage(p: ProjectSummary): { text: string; blocks: KnownBlock[] } {
  const memberList = p.members.slice(0, 30).map(mention).join(' ');
  const more = p.members.length > 30 ? ` and ${p.members.length - 30} more` : '';
  const count = (s: string) => p.counts[s] ?? 0;
  return {
    text: `Project ${userText(p.name, 80)}`,
    blocks: [
      { type: 'header', text: plain(p.name, LIMITS.headerText) },
      {
        type: 'section',
        fields: [
          md(`*Lead*\n${mention(p.lead_user_id)}`),
          md(`*Channel*\n<#${p.channel_id}>`),
          md(`*Phase*\n${phaseLabel(p.phase)} · ${p.stage}`),
          md(
            // Concluded as everywhere (the digest, the stats): abandoned ones too.
            `*Hypotheses*\n${count('running')} running · ${count('proposed')} proposed · ${CONCLUDED.reduce((n, s) => n + count(s), 0)} concluded`,
          ),
        ],
      },
      ...(p.problem
        ? [{ type: 'section' as const, text: md(`*Problem*\n${userText(p.problem, 2800)}`) }]
        : []),
      { type: 'context', elements: [md(`Members: ${memberList || '—'}${more}`)] },
      ...(p.designReview
        ? [{ type: 'context' as const, elements: [md(`Design doc: ${p.designReview}`)] }]
        : []),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ids.hypothesis.open,
            style: 'primary',
            text: plain('New hypothesis', LIMITS.buttonText),
            value: p.channel_id,
          },
          {
            type: 'button',
            action_id: ids.project.edit,
            text: plain('Edit project', LIMITS.buttonText),
            value: String(p.id),
          },
        ],
      },
    ],
  };
}

export function projectCreatedMessage(p: { name: string; lead_user_id: string; creator: string }): {
  text: string;
  blocks: KnownBlock[];
} {
  // Named once: a lead who started their own project is not "started by @x, led by @x".
  const who =
    p.creator === p.lead_user_id
      ? `${mention(p.creator)} started the project *${userText(p.name, 200)}* and leads it.`
      : `${mention(p.creator)} started the project *${userText(p.name, 200)}*, led by ${mention(p.lead_user_id)}.`;
  const text = `${who} Plan first: write hypotheses with \`/hypothesis new\`, the design doc with \`/hypothesis design\`.`;
  return { text: `Project ${userText(p.name, 80)} started`, blocks: [{ type: 'section', text: md(text) }] };
}
