import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Proposal } from '../src/db/schema/index.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { md, mention, plain, truncate, userText } from './text.js';

/** The decide-the-next-model ritual's modals: calling and moving a meeting, proposing, deciding. */

const input = (
  block_id: string,
  label: string,
  element: Record<string, unknown>,
  o: { optional?: boolean; hint?: string } = {},
) =>
  ({
    type: 'input',
    block_id,
    label: plain(label, 150),
    optional: o.optional ?? false,
    ...(o.hint ? { hint: plain(o.hint, 150) } : {}),
    element: { action_id: block_id, ...element },
  }) as KnownBlock;

const text = (
  max: number,
  o: { multiline?: boolean; initial?: string | null; placeholder?: string } = {},
) => ({
  type: 'plain_text_input',
  multiline: o.multiline ?? false,
  max_length: max,
  ...(o.initial ? { initial_value: truncate(o.initial, max) } : {}),
  ...(o.placeholder ? { placeholder: plain(o.placeholder, 150) } : {}),
});

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export interface MeetingModalInput {
  mode: 'new' | 'reschedule';
  tz: string;
  scheduledAt: Date;
  deadline: Date | null;
  participants: string[];
  metric: string | null;
  privateMetadata: string;
  limits: { question: number; metric: number };
  question?: string;
}

export function meetingModal(i: MeetingModalInput): ModalView {
  const times: KnownBlock[] = [
    input('scheduledAt', 'When', { type: 'datetimepicker', initial_date_time: seconds(i.scheduledAt) }),
    input(
      'deadline',
      'Proposals due',
      { type: 'datetimepicker', ...(i.deadline ? { initial_date_time: seconds(i.deadline) } : {}) },
      { optional: true, hint: 'Leave empty for 24 hours before the meeting. It can never be after it.' },
    ),
  ];
  const blocks: KnownBlock[] =
    i.mode === 'new'
      ? [
          input(
            'question',
            'Question to decide',
            text(i.limits.question, { placeholder: 'Which model do we try next for ranking?' }),
          ),
          ...times,
          input(
            'participants',
            'Participants',
            { type: 'multi_users_select', initial_users: i.participants },
            {
              hint: 'Each gets a DM with the question and the deadline, in their working hours.',
            },
          ),
          input(
            'metric',
            'Optimising metric',
            text(i.limits.metric, { initial: i.metric, placeholder: 'recall@10 on rare intents' }),
            {
              optional: true,
              hint: 'Proposals state their expected gain on it. From the design doc’s metric goals when written there.',
            },
          ),
        ]
      : [{ type: 'section', text: md(`*${userText(i.question ?? '', 2500)}*`) }, ...times];
  blocks.push({
    type: 'context',
    elements: [md(`Times are in your Slack time zone (${userText(i.tz, 100)}).`)],
  });
  return {
    type: 'modal',
    callback_id: i.mode === 'new' ? ids.meeting.modal : ids.meeting.rescheduleModal,
    title: plain(i.mode === 'new' ? 'Decision meeting' : 'Reschedule meeting', LIMITS.viewTitle),
    submit: plain(i.mode === 'new' ? 'Call meeting' : 'Reschedule', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: i.privateMetadata,
    blocks,
  };
}

export interface ProposalModalInput {
  question: string;
  metric: string | null;
  initial?: Pick<
    Proposal,
    'approach' | 'related_work' | 'no_reading' | 'expected_gain' | 'cost_days' | 'risks' | 'option_kind'
  >;
  late: boolean;
  privateMetadata: string;
  limits: {
    approach: number;
    relatedWork: number;
    expectedGain: number;
    risks: number;
    costDays: { min: number; max: number };
  };
}

const OPTION_KINDS = [
  { value: 'simple', label: 'Simple / standard option' },
  { value: 'sota', label: 'State of the art' },
] as const;

export function proposalModal(i: ProposalModalInput): ModalView {
  const p = i.initial;
  const noReading: PlainTextOption = { text: plain('No reading needed for this one', 75), value: 'none' };
  const kinds = OPTION_KINDS.map((k) => ({ text: plain(k.label, 75), value: k.value }));
  const initialKind = kinds.find((k) => k.value === p?.option_kind);
  const blocks: KnownBlock[] = [
    { type: 'section', text: md(`*${userText(i.question, 2800)}*`) },
    ...(i.late
      ? [
          {
            type: 'context' as const,
            elements: [md(':hourglass: The deadline has passed: this proposal will be marked late.')],
          },
        ]
      : []),
    input(
      'approach',
      'Approach',
      text(i.limits.approach, {
        multiline: true,
        initial: p?.approach,
        placeholder: 'The model or method, and why it fits',
      }),
    ),
    input(
      'relatedWork',
      'Related work read',
      text(i.limits.relatedWork, {
        multiline: true,
        initial: p?.related_work,
        placeholder: 'Papers, links, what others tried',
      }),
      {
        optional: true,
        hint: 'Required unless you tick "no reading needed" below.',
      },
    ),
    input(
      'noReading',
      'Reading',
      {
        type: 'checkboxes',
        options: [noReading],
        ...(p?.no_reading ? { initial_options: [noReading] } : {}),
      },
      { optional: true },
    ),
    input(
      'expectedGain',
      truncate(`Expected gain on ${i.metric ?? 'the optimising metric'}`, 150),
      text(i.limits.expectedGain, {
        initial: p?.expected_gain,
        placeholder: '+3% recall@10 over the baseline',
      }),
      { optional: true },
    ),
    input(
      'costDays',
      'Cost to implement (days)',
      {
        type: 'number_input',
        is_decimal_allowed: false,
        min_value: String(i.limits.costDays.min),
        max_value: String(i.limits.costDays.max),
        ...(p?.cost_days ? { initial_value: String(p.cost_days) } : {}),
      },
      { optional: true },
    ),
    input('risks', 'Risks', text(i.limits.risks, { multiline: true, initial: p?.risks }), { optional: true }),
    input('optionKind', 'Kind of option', {
      type: 'radio_buttons',
      options: kinds,
      ...(initialKind ? { initial_option: initialKind } : {}),
    }),
  ];
  return {
    type: 'modal',
    callback_id: ids.meeting.proposalModal,
    title: plain(p ? 'Edit proposal' : 'Add a proposal', LIMITS.viewTitle),
    submit: plain(p ? 'Save' : 'Propose', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: i.privateMetadata,
    blocks,
  };
}

// --- the decision ------------------------------------------------------------------------

export interface DecisionModalInput {
  question: string;
  proposals: { id: number; n: number; author: string; title: string }[];
  privateMetadata: string;
  limits: { decision: number; whyNot: number };
}

const OUTCOME_OPTIONS = [
  { value: 'chosen', label: 'Chosen proposals (below)' },
  { value: 'stop', label: 'None chosen — stop this line of work' },
  { value: 'more', label: 'None yet — collect more proposals' },
] as const;

/** The decision's first step: how the meeting ends, in words, and a reason for the rest. */
export function decisionModal(i: DecisionModalInput): ModalView {
  const hasProposals = i.proposals.length > 0;
  const outcomes = OUTCOME_OPTIONS.filter((o) => hasProposals || o.value !== 'chosen').map((o) => ({
    text: plain(o.label, 75),
    value: o.value,
  }));
  return {
    type: 'modal',
    callback_id: ids.meeting.decisionModal,
    title: plain('Record the decision', LIMITS.viewTitle),
    submit: plain('Next', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: i.privateMetadata,
    blocks: [
      { type: 'section', text: md(`*${userText(i.question, 2800)}*`) },
      input('outcome', 'How the meeting ends', {
        type: 'radio_buttons',
        options: outcomes,
        initial_option: outcomes[0],
      }),
      ...(hasProposals
        ? [
            input(
              'chosen',
              'Chosen proposals',
              {
                type: 'multi_static_select',
                options: i.proposals.slice(0, LIMITS.selectOptions).map((p) => ({
                  text: plain(`P${p.n} · ${p.author} · ${p.title}`, LIMITS.optionText),
                  value: String(p.id),
                })),
              },
              { optional: true },
            ),
          ]
        : []),
      input(
        'decision',
        'Decision',
        text(i.limits.decision, { multiline: true, placeholder: 'What we do next, in words' }),
      ),
      ...(hasProposals
        ? [
            input('whyNot', 'Why not the others', text(i.limits.whyNot, { multiline: true }), {
              optional: true,
              hint: 'Prefills the reason for each proposal not chosen; the next step lets you give each its own.',
            }),
          ]
        : []),
      input(
        'newDeadline',
        'New proposal deadline',
        { type: 'datetimepicker' },
        {
          optional: true,
          hint: 'Only for "none yet": proposals reopen until then and participants are invited again.',
        },
      ),
      input(
        'newScheduledAt',
        'New meeting time',
        { type: 'datetimepicker' },
        { optional: true, hint: 'Only for "none yet". Leave empty to keep the meeting where it is.' },
      ),
      {
        type: 'context',
        elements: [
          md(
            'Next: a hypothesis for each chosen proposal, prefilled from it, and a reason for each one not chosen.',
          ),
        ],
      },
    ],
  };
}

export interface HypothesisPrefill {
  proposalId: number;
  n: number;
  author: string;
  title: string;
  statement: string;
  metric: string | null;
  baseline: string | null;
  successCriteria: string;
  /** From the proposal's cost estimate, when it gave one (`capped` when beyond the longest timebox). */
  timebox: { days: number; costDays: number; capped: boolean } | null;
  owner: string;
}

const START_OPTIONS = [
  { value: 'now', label: 'Start it now' },
  { value: 'proposed', label: 'Write it down, start later' },
  { value: 'none', label: 'No hypothesis' },
] as const;

/** A proposal left out, whose reason the second step asks for. */
export interface NotChosenPrefill {
  proposalId: number;
  n: number;
  title: string;
}

/** Block ids of the per-proposal reasons, and of the one shared by those beyond the modal's room. */
export const reasonBlock = (proposalId: number) => `why_${proposalId}`;
export const SHARED_REASON_BLOCK = 'whyRest';

/**
 * How many proposals not chosen get a field of their own: all when they fit beside the
 * hypotheses in a modal's 100 blocks, else one fewer than the room, the last block being
 * one field shared by the rest.
 */
export function reasonsRoom(usedBlocks: number, notChosen: number): number {
  const room = LIMITS.viewBlocks - usedBlocks;
  return notChosen <= room ? notChosen : Math.max(0, room - 1);
}

/** The decision's second step: a prefilled hypothesis per chosen proposal, a reason per one not. */
export function decisionHypothesesModal(i: {
  decision: string;
  whyNot: string | null;
  prefills: HypothesisPrefill[];
  notChosen: NotChosenPrefill[];
  privateMetadata: string;
  limits: {
    decision: number;
    whyNot: number;
    statement: number;
    metric: number;
    baseline: number;
    successCriteria: number;
    nextSteps: number;
    timebox: { min: number; max: number };
  };
}): ModalView {
  const starts = START_OPTIONS.map((o) => ({ text: plain(o.label, 75), value: o.value }));
  const blocks: KnownBlock[] = [
    input('decision', 'Decision', text(i.limits.decision, { multiline: true, initial: i.decision })),
  ];
  for (const p of i.prefills) {
    const key = (f: string) => `h${p.proposalId}_${f}`;
    blocks.push(
      { type: 'section', text: md(`*P${p.n}* by ${mention(p.author)}: ${userText(p.title, 2500)}`) },
      input(key('start'), 'Hypothesis', {
        type: 'radio_buttons',
        options: starts,
        initial_option: starts[0],
      }),
      input(
        key('statement'),
        'Statement',
        text(i.limits.statement, { multiline: true, initial: p.statement }),
      ),
      input(key('metric'), 'Metric', text(i.limits.metric, { initial: p.metric }), { optional: true }),
      input(key('baseline'), 'Baseline', text(i.limits.baseline, { initial: p.baseline }), {
        optional: true,
        hint: 'The simple heuristic or current production system this is measured against.',
      }),
      input(
        key('successCriteria'),
        'Success criteria',
        text(i.limits.successCriteria, {
          initial: p.successCriteria,
          placeholder: 'recall@10 +3% over the baseline',
        }),
        {
          hint: 'A measurable bar against the baseline, with a number.',
        },
      ),
      input(
        key('timeboxDays'),
        'Timebox (days)',
        {
          type: 'number_input',
          is_decimal_allowed: false,
          min_value: String(i.limits.timebox.min),
          max_value: String(i.limits.timebox.max),
          ...(p.timebox ? { initial_value: String(p.timebox.days) } : {}),
        },
        {
          hint: !p.timebox
            ? `P${p.n} gave no cost estimate: how many days until the check-in?`
            : p.timebox.capped
              ? `P${p.n} estimated ${p.timebox.costDays} days; a timebox is at most ${i.limits.timebox.max}. Split longer work.`
              : `From P${p.n}’s cost estimate: ${p.timebox.costDays} day${p.timebox.costDays === 1 ? '' : 's'}.`,
        },
      ),
      input(key('owner'), 'Owner', { type: 'users_select', initial_user: p.owner }),
      input(key('nextOnFailure'), 'Next step if it fails', text(i.limits.nextSteps, { multiline: true }), {
        optional: true,
      }),
      input(key('nextOnSuccess'), 'Next step if it succeeds', text(i.limits.nextSteps, { multiline: true }), {
        optional: true,
      }),
    );
  }
  if (i.notChosen.length > 0) {
    blocks.push({ type: 'header', text: plain('Not chosen, and why', LIMITS.headerText) });
    const own = reasonsRoom(blocks.length, i.notChosen.length);
    for (const p of i.notChosen.slice(0, own)) {
      blocks.push(
        input(
          reasonBlock(p.proposalId),
          truncate(`Why not P${p.n}: ${p.title}`, 150),
          text(i.limits.whyNot, { multiline: true, initial: i.whyNot }),
        ),
      );
    }
    const rest = i.notChosen.slice(own);
    if (rest.length > 0) {
      blocks.push(
        input(
          SHARED_REASON_BLOCK,
          truncate(`Why not the other ${rest.length}: ${rest.map((p) => `P${p.n}`).join(', ')}`, 150),
          text(i.limits.whyNot, { multiline: true, initial: i.whyNot }),
        ),
      );
    }
  }
  return {
    type: 'modal',
    callback_id: ids.meeting.hypothesesModal,
    title: plain('Record the decision', LIMITS.viewTitle),
    submit: plain('Record decision', LIMITS.viewSubmit),
    close: plain('Back out', LIMITS.viewSubmit),
    private_metadata: i.privateMetadata,
    blocks,
  };
}
