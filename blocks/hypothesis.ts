import type { Hypothesis } from '../src/db/schema/index.js';
import type { ActionsBlock, Button, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { concludeButtons } from './conclude.js';
import { evidenceInputs, evidenceMrkdwn } from './evidence.js';
import { ids } from './ids.js';
import { checkSimilarBlock } from './triedBefore.js';
import { LIMITS } from './limits.js';
import { timeboxSpan } from '../src/rituals/checkins/timeboxSpan.js';
import { BASELINE_NONE } from '../src/rituals/plan/hypothesisDraft.js';
import { timeboxPhrase } from './timebox.js';
import {
  count,
  cutWords,
  escapeMrkdwn,
  md,
  mention,
  plain,
  slackDate,
  times,
  truncate,
  userText,
} from './text.js';

/** What the hypothesis modal and card show of a hypothesis row. */
export type HypothesisView = Pick<
  Hypothesis,
  | 'id'
  | 'number'
  | 'statement'
  | 'method'
  | 'metric'
  | 'baseline'
  | 'success_criteria'
  | 'timebox_days'
  | 'next_on_failure'
  | 'next_on_success'
  | 'owner_user_id'
  | 'status'
  | 'due_at'
  | 'started_at'
> &
  Partial<
    Pick<
      Hypothesis,
      | 'overdue_since'
      | 'extension_count'
      | 'run_links'
      | 'dataset_version'
      | 'random_seed'
      | 'tracker_metric_key'
      | 'concluded_at'
      | 'result'
      | 'learnings'
      | 'next_step'
    >
  >;

export interface HypothesisFormLimits {
  statement: number;
  method: number;
  metric: number;
  baseline: number;
  successCriteria: number;
  nextSteps: number;
}

export interface HypothesisModalInput {
  mode: 'new' | 'edit';
  projects: { id: number; name: string }[];
  initial: Partial<HypothesisView> & { projectId?: number };
  ownerDefault: string;
  timebox: { min: number; max: number };
  limits: HypothesisFormLimits;
  /** e.g. "Due Fri 12 Dec 2026 (your time)". */
  dueHint: string;
  privateMetadata: string;
  notice?: string;
}

const option = (text: string, value: string): PlainTextOption => ({
  text: plain(text, LIMITS.optionText),
  value,
});

function textInput(
  blockId: string,
  label: string,
  opts: {
    max: number;
    multiline?: boolean;
    optional?: boolean;
    initial?: string | null;
    hint?: string;
    placeholder?: string;
  },
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: opts.optional ?? false,
    label: plain(label, 2000),
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      multiline: opts.multiline ?? false,
      max_length: opts.max,
      ...(opts.initial ? { initial_value: truncate(opts.initial, opts.max) } : {}),
      ...(opts.placeholder ? { placeholder: plain(opts.placeholder, 150) } : {}),
    },
  };
}

/** The new/edit hypothesis modal: the design-doc template's hypothesis fields. */
export function hypothesisModal(input: HypothesisModalInput): ModalView {
  const { initial, limits } = input;
  const projectOptions = input.projects
    .slice(0, LIMITS.selectOptions)
    .map((p) => option(p.name, String(p.id)));
  const selected = projectOptions.find((o) => o.value === String(initial.projectId));
  const noBaseline = initial.baseline === BASELINE_NONE;
  const baselineNoneOption = option(BASELINE_NONE, 'none');
  const blocks: KnownBlock[] = [];
  if (input.notice) blocks.push({ type: 'context', elements: [md(input.notice)] });
  // A hypothesis stays in its project: the picker is only offered when writing a new one.
  if (input.mode === 'new') {
    blocks.push({
      type: 'input',
      block_id: 'projectId',
      label: plain('Project', 2000),
      element: {
        type: 'static_select',
        action_id: 'projectId',
        options: projectOptions,
        ...(selected ? { initial_option: selected } : {}),
        placeholder: plain('Choose a project', 150),
      },
    });
  }
  blocks.push(
    textInput('statement', 'Hypothesis', {
      max: limits.statement,
      multiline: true,
      initial: initial.statement,
      placeholder: 'Method A will improve metric B by X% over the baseline',
    }),
    // "Tried before?": a new idea is checked against the record before the work starts.
    ...(input.mode === 'new' ? [checkSimilarBlock()] : []),
    textInput('method', 'Method', {
      max: limits.method,
      multiline: true,
      optional: true,
      initial: initial.method,
      hint: 'What you will try, in enough detail that someone else could repeat it.',
    }),
    textInput('metric', 'Metric', {
      max: limits.metric,
      initial: initial.metric,
      placeholder: 'e.g. recall@10 on class C',
    }),
    // Required, but "none yet" is an answer too: the form checks that one of the two is given.
    textInput('baseline', 'Baseline', {
      max: limits.baseline,
      optional: true,
      initial: noBaseline ? null : initial.baseline,
      hint: 'The simple heuristic or current production system this is measured against.',
    }),
    {
      type: 'input',
      block_id: 'baselineNone',
      optional: true,
      label: plain('No baseline yet?', 2000),
      element: {
        type: 'checkboxes',
        action_id: 'baselineNone',
        options: [baselineNoneOption],
        ...(noBaseline ? { initial_options: [baselineNoneOption] } : {}),
      },
    },
    textInput('successCriteria', 'Success criteria', {
      max: limits.successCriteria,
      multiline: true,
      initial: initial.success_criteria,
      hint: 'A number against the baseline. Too vague to check: "improve the model", "improve recall". Good: "recall on class C +5% over baseline, others down 1% at most".',
    }),
    {
      type: 'input',
      block_id: 'timeboxDays',
      dispatch_action: true,
      label: plain('Timebox (days)', 2000),
      hint: plain(input.dueHint, 2000),
      element: {
        type: 'number_input',
        action_id: ids.hypothesis.timebox,
        is_decimal_allowed: false,
        min_value: String(input.timebox.min),
        max_value: String(input.timebox.max),
        // No silent default: the owner picks, with the team's usual figure in the hint.
        ...(initial.timebox_days ? { initial_value: String(initial.timebox_days) } : {}),
        dispatch_action_config: { trigger_actions_on: ['on_character_entered', 'on_enter_pressed'] },
      },
    },
    {
      type: 'input',
      block_id: 'ownerUserId',
      label: plain('Owner', 2000),
      hint: plain('Gets the check-in when the timebox ends.', 2000),
      element: {
        type: 'users_select',
        action_id: 'ownerUserId',
        initial_user: initial.owner_user_id ?? input.ownerDefault,
      },
    },
    textInput('nextOnFailure', 'Next step if it fails', {
      max: limits.nextSteps,
      multiline: true,
      optional: true,
      initial: initial.next_on_failure,
      placeholder: 'e.g. try H2',
    }),
    textInput('nextOnSuccess', 'Next step if it succeeds', {
      max: limits.nextSteps,
      multiline: true,
      optional: true,
      initial: initial.next_on_success,
      placeholder: 'e.g. ship to production behind a flag',
    }),
    ...evidenceInputs(initial, { askMetricKey: true }),
  );
  if (input.mode === 'new') {
    const now = option('Start the timebox now', 'now');
    blocks.push({
      type: 'input',
      block_id: 'startNow',
      label: plain('When', 2000),
      element: {
        type: 'radio_buttons',
        action_id: 'startNow',
        options: [now, option('Keep it proposed for now', 'proposed')],
        initial_option: now,
      },
    });
  }
  return {
    type: 'modal',
    callback_id: input.mode === 'new' ? ids.hypothesis.newModal : ids.hypothesis.editModal,
    title: plain(input.mode === 'new' ? 'New hypothesis' : `Edit H${initial.number ?? ''}`, LIMITS.viewTitle),
    submit: plain(input.mode === 'new' ? 'Save' : 'Save changes', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks,
  };
}

/** Before a timebox is typed: how to pick one, and the team's usual figure once there is one. */
export function pickTimeboxHint(usual: number | null): string {
  const ask = 'Whole days; when they end, the owner is asked how it went.';
  return usual ? `${ask} Your team's usual timebox is ${count(usual, 'day')}.` : ask;
}

/**
 * The due date a timebox implies: from now for a new one, from its start for a running one;
 * `working` says how many working days that is when holidays or days away fall in it.
 */
export function dueHint(days: number, dueDay: string, startedDay?: string, working?: string): string {
  const span = count(days, 'day');
  const also = working ? `, ${working}` : '';
  return startedDay
    ? `${span} from its start on ${startedDay}: due ${dueDay}${also}. Its owner is asked how it went then.`
    : `${span}: due ${dueDay} if it starts now${also}. Its owner is asked how it went then.`;
}

const STATUS_LABEL: Record<string, string> = {
  proposed: ':memo: Proposed',
  running: ':hourglass_flowing_sand: Running',
  validated: ':white_check_mark: Validated',
  // "Knowledge gained" is said where it is news (the announcement, the digest), not on every label.
  disproven: ':bulb: Disproven',
  inconclusive: ':grey_question: Inconclusive',
  abandoned: ':wastebasket: Abandoned',
};
export const statusLabel = (status: string) => STATUS_LABEL[status] ?? status;

export function dueText(h: Pick<HypothesisView, 'due_at' | 'status' | 'overdue_since'>, now: Date): string {
  if (!h.due_at) return 'not started';
  const date = slackDate(h.due_at, h.due_at.toISOString().slice(0, 10));
  const overdue = h.status === 'running' && (h.overdue_since || h.due_at.getTime() < now.getTime());
  return overdue ? `:warning: overdue since ${date}` : `due ${date}`;
}

/** How long a card's statement may be in the channel; *Details* has all of it. */
const CARD_STATEMENT = 200;

const spanOf = (h: HypothesisView) =>
  timeboxSpan({ ...h, extension_count: h.extension_count ?? 0, concluded_at: h.concluded_at ?? null });

/** The second line of a card: who, and when it is due or how it came out. */
function cardState(h: HypothesisView, now: Date): string {
  const owner = mention(h.owner_user_id);
  if (h.status === 'proposed') return `${owner} · proposed, timebox ${count(h.timebox_days, 'day')}`;
  if (h.status === 'running') {
    const extended = h.extension_count ? ` (extended ${times(h.extension_count)})` : '';
    return `${owner} · ${dueText(h, now)}${extended}`;
  }
  return `${owner} · *${statusLabel(h.status)}* · ${timeboxPhrase(spanOf(h))}`;
}

/**
 * The card in the project channel: two lines (H-number and statement; owner and due date,
 * or the outcome once concluded), with the rest behind *Details*, so a day of hypotheses
 * does not bury the channel. It is posted in the project's own channel, so it does not
 * name the project. The actions block is where every card button sits.
 */
export function hypothesisCard(h: HypothesisView, now: Date): { text: string; blocks: KnownBlock[] } {
  const statement = cutWords(escapeMrkdwn(h.statement), CARD_STATEMENT);
  const buttons: Button[] = [
    {
      type: 'button',
      action_id: ids.hypothesis.details,
      text: plain('Details', LIMITS.buttonText),
      value: String(h.id),
    },
  ];
  if (h.status === 'proposed' || h.status === 'running') {
    buttons.push({
      type: 'button',
      action_id: ids.hypothesis.edit,
      text: plain('Edit', LIMITS.buttonText),
      value: String(h.id),
    });
  }
  if (h.status === 'proposed') {
    buttons.push({
      type: 'button',
      action_id: ids.hypothesis.start,
      style: 'primary',
      text: plain('Start timebox', LIMITS.buttonText),
      value: String(h.id),
    });
  }
  buttons.push(...concludeButtons(h));
  const blocks: KnownBlock[] = [
    { type: 'section', text: md(`*H${h.number}* ${statement}\n${cardState(h, now)}`) },
    { type: 'actions', block_id: 'hypothesis_card_actions', elements: buttons } satisfies ActionsBlock,
  ];
  return { text: `H${h.number}: ${cutWords(escapeMrkdwn(h.statement), 300)}`, blocks };
}

/** Everything about a hypothesis, shown to the one person who pressed *Details*. */
export function hypothesisDetails(
  h: HypothesisView,
  project: { name: string },
  now: Date,
  /** A gentle word when it started before the design doc was approved. */
  designNote?: string,
): { text: string; blocks: KnownBlock[] } {
  const concluded = !['proposed', 'running'].includes(h.status);
  const timebox = concluded
    ? timeboxPhrase(spanOf(h))
    : h.status === 'running'
      ? `${count(spanOf(h).total, 'day')}, ${dueText(h, now)}`
      : `${count(h.timebox_days, 'day')}, not started`;
  const fields = [
    md(`*Owner*\n${mention(h.owner_user_id)}`),
    md(`*Status*\n${statusLabel(h.status)}`),
    md(`*Metric*\n${userText(h.metric ?? '—', 1000)}`),
    md(`*Timebox*\n${timebox}`),
    md(`*Success criteria*\n${userText(h.success_criteria, 1900)}`),
    md(`*Baseline*\n${userText(h.baseline ?? '—', 1900)}`),
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`H${h.number} · ${project.name}`, LIMITS.headerText) },
    { type: 'section', text: md(`*${userText(h.statement, 2900)}*`) },
    { type: 'section', fields },
  ];
  const said: string[] = [];
  if (h.result) said.push(`*Result:* ${userText(h.result, 900)}`);
  if (h.learnings) said.push(`*Learned:* ${userText(h.learnings, 900)}`);
  if (h.next_step) said.push(`*Next:* ${userText(h.next_step, 900)}`);
  if (said.length) blocks.push({ type: 'section', text: md(said.join('\n')) });
  if (h.method) blocks.push({ type: 'context', elements: [md(`Method: ${userText(h.method, 2900)}`)] });
  const next = [
    h.next_on_success ? `If it succeeds: ${userText(h.next_on_success, 1400)}` : null,
    h.next_on_failure ? `If it fails: ${userText(h.next_on_failure, 1400)}` : null,
  ].filter((x): x is string => x !== null);
  if (next.length) blocks.push({ type: 'context', elements: [md(next.join('\n'))] });
  const evidence = evidenceMrkdwn(h);
  if (evidence) blocks.push({ type: 'context', elements: [md(`Evidence: ${evidence}`)] });
  if (designNote) blocks.push({ type: 'context', elements: [md(designNote)] });
  return { text: `H${h.number}: ${userText(h.statement, 300)}`, blocks };
}
