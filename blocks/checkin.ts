import type { Button, KnownBlock, ModalView } from '@slack/types';
import { evidenceInputs, evidenceMrkdwn, metricLine } from './evidence.js';
import { type HypothesisView } from './hypothesis.js';
import { ids } from './ids.js';
import { timeSpentInputs } from './timeSpent.js';
import { LIMITS } from './limits.js';
import { timeboxSpan, type TimeboxSpan } from '../src/rituals/checkins/timeboxSpan.js';
import { timeboxPhrase } from './timebox.js';
import { cutWords, escapeMrkdwn, md, mention, plain, sentence, slackDate, userText } from './text.js';

export type Answer = 'validated' | 'disproven' | 'inconclusive' | 'abandoned';

export interface CheckInInput {
  h: HypothesisView & { project_name: string };
  round: number;
  /** "AUC 0.923 in MLflow run 3f2a…" per linked run, when a tracker is configured. */
  metrics?: string[];
}

/** The check-in's answers, in the order every surface offers them. */
export const CHECKIN_ANSWERS = [
  // Alike on purpose: a green Validated and a red Abandon would steer the answer.
  { answer: 'validated', label: 'Validated', actionId: ids.checkin.validated },
  { answer: 'disproven', label: 'Disproven', actionId: ids.checkin.disproven },
  { answer: 'inconclusive', label: 'Inconclusive', actionId: ids.checkin.inconclusive },
  { answer: 'extend', label: 'Extend', actionId: ids.checkin.extend },
  { answer: 'abandoned', label: 'Abandon', actionId: ids.checkin.abandoned },
] as const;

/** What every check-in button carries: which hypothesis, and which round of asking. */
export const checkInValue = (hypothesisId: number, round: number) => JSON.stringify({ hypothesisId, round });

/** The timebox of a hypothesis still waiting for its answer: its plan, and its extensions if any. */
const runningSpan = (h: HypothesisView) =>
  timeboxSpan({ ...h, extension_count: h.extension_count ?? 0, concluded_at: null });

function hypothesisFacts(h: HypothesisView & { project_name: string }): KnownBlock[] {
  return [
    {
      type: 'section',
      text: md(`*H${h.number}* _(${userText(h.project_name, 80)})_\n${userText(h.statement, 2500)}`),
    },
    {
      type: 'section',
      fields: [
        md(`*Metric*\n${userText(h.metric ?? '—', 1000)}`),
        md(`*Baseline*\n${userText(h.baseline ?? '—', 1000)}`),
        md(`*Success criteria*\n${userText(h.success_criteria, 1900)}`),
        // The check-in comes when the timebox has ended, often later (working hours, a
        // weekend): "21 of 19 planned days" reads as an overrun nobody made. A plain date, as
        // Slack's "pretty" ones capitalise ("ended Yesterday").
        md(
          `*Timebox*\n${timeboxPhrase(runningSpan(h))}${h.due_at ? `, ended ${slackDate(h.due_at, h.due_at.toISOString().slice(0, 10), '{date_short}')}` : ''}`,
        ),
      ],
    },
    ...evidenceBlocks(h),
  ];
}

/** The trackers' latest numbers beside the bar: a hint, never the verdict. */
function metricBlocks(hints: string[], bar: string): KnownBlock[] {
  return hints.length ? [{ type: 'context', elements: [md(`:bar_chart: ${metricLine(hints, bar)}`)] }] : [];
}

function evidenceBlocks(h: HypothesisView): KnownBlock[] {
  const evidence = evidenceMrkdwn(h);
  return evidence ? [{ type: 'context', elements: [md(`Evidence: ${evidence}`)] }] : [];
}

/** The DM sent to a hypothesis' owner when its timebox ends. */
export function checkInMessage(
  input: CheckInInput,
  opts: { reminder?: number } = {},
): { text: string; blocks: KnownBlock[] } {
  const { h } = input;
  const value = checkInValue(h.id, input.round);
  const button = (action_id: string, text: string, style?: 'primary' | 'danger'): Button => ({
    type: 'button',
    action_id,
    text: plain(text, LIMITS.buttonText),
    value,
    ...(style ? { style } : {}),
  });
  const intro = opts.reminder
    ? `:alarm_clock: Reminder ${opts.reminder}: H${h.number}'s timebox has ended and the team is waiting to hear how it went.`
    : `:hourglass: Time's up for H${h.number}. How did it go?`;
  return {
    text: `Check-in: how did H${h.number} go?`,
    blocks: [
      { type: 'section', text: md(intro) },
      ...hypothesisFacts(h),
      ...metricBlocks(input.metrics ?? [], h.success_criteria),
      {
        type: 'actions',
        block_id: 'checkin_answers',
        elements: CHECKIN_ANSWERS.map((a) => button(a.actionId, a.label)),
      },
    ],
  };
}

/** The same DM once answered: the answer shown, the buttons gone. */
export function answeredCheckInMessage(
  input: CheckInInput,
  answer: { label: string; by: string; at: Date; result?: string | null; learnings?: string | null },
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `*${answer.label}* by ${mention(answer.by)}, ${slackDate(answer.at, answer.at.toISOString().slice(0, 10))}`,
      ),
    },
    ...hypothesisFacts(input.h),
  ];
  if (answer.result) blocks.push({ type: 'section', text: md(`*Result*\n${userText(answer.result, 2800)}`) });
  if (answer.learnings)
    blocks.push({ type: 'section', text: md(`*Learnings*\n${userText(answer.learnings, 2800)}`) });
  return { text: `H${input.h.number}: ${answer.label}`, blocks };
}

const ANSWER_TITLE: Record<Answer, string> = {
  validated: 'Validated',
  disproven: 'Disproven',
  inconclusive: 'Inconclusive',
  abandoned: 'Abandon',
};

export interface OutcomeModalInput {
  h: HypothesisView;
  answer: Answer;
  nextStep: string | null;
  /** Proposed hypotheses of the same project that the next step may start at once. */
  nextCandidates: { id: number; number: number; statement: string }[];
  suggestedNextId: number | null;
  privateMetadata: string;
  limits: { result: number; learnings: number; nextStep: number };
  /** e.g. "Day 4 of 10: concluding early is fine." when the timebox has not ended. */
  note?: string;
}

export function outcomeModal(input: OutcomeModalInput): ModalView {
  const { h, answer } = input;
  const learningsRequired = answer === 'disproven';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(`*H${h.number}* ${userText(h.statement, 1500)}\n*Bar:* ${userText(h.success_criteria, 1000)}`),
    },
    ...(input.note ? [{ type: 'context' as const, elements: [md(input.note)] }] : []),
    {
      type: 'input',
      block_id: 'result',
      optional: answer === 'abandoned',
      label: plain(answer === 'abandoned' ? 'Why stop here?' : 'Measured result', 2000),
      hint: plain(
        answer === 'abandoned'
          ? 'So nobody re-tries it without knowing.'
          : 'The number against the baseline, e.g. "recall +3.1% on class C, others −0.4%".',
        2000,
      ),
      element: {
        type: 'plain_text_input',
        action_id: 'result',
        multiline: true,
        max_length: input.limits.result,
      },
    },
    {
      type: 'input',
      block_id: 'learnings',
      optional: !learningsRequired,
      label: plain(learningsRequired ? 'What do we now know?' : 'Learnings', 2000),
      hint: plain(
        learningsRequired
          ? 'Write down the dead end, so nobody walks it again.'
          : 'What surprised you, what you would do differently.',
        2000,
      ),
      element: {
        type: 'plain_text_input',
        action_id: 'learnings',
        multiline: true,
        max_length: input.limits.learnings,
      },
    },
  ];
  if (answer !== 'abandoned') {
    blocks.push({
      type: 'input',
      block_id: 'nextStep',
      optional: true,
      label: plain('Next step', 2000),
      element: {
        type: 'plain_text_input',
        action_id: 'nextStep',
        multiline: true,
        max_length: input.limits.nextStep,
        ...(input.nextStep ? { initial_value: input.nextStep.slice(0, input.limits.nextStep) } : {}),
      },
    });
  }
  blocks.push(...evidenceInputs(h, { askMetricKey: false }), ...timeSpentInputs());
  const candidates = input.nextCandidates.slice(0, LIMITS.selectOptions).map((c) => ({
    text: plain(`H${c.number}: ${c.statement}`, LIMITS.optionText),
    value: String(c.id),
  }));
  if (candidates.length > 0) {
    const suggested = candidates.find((c) => c.value === String(input.suggestedNextId));
    blocks.push({
      type: 'input',
      block_id: 'startNextId',
      optional: true,
      label: plain('Start a proposed hypothesis now', 2000),
      hint: plain('Its timebox begins today.', 2000),
      element: {
        type: 'static_select',
        action_id: 'startNextId',
        options: candidates,
        placeholder: plain('None', 150),
        ...(suggested ? { initial_option: suggested } : {}),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: ids.checkin.outcomeModal,
    title: plain(`H${h.number}: ${ANSWER_TITLE[answer]}`, LIMITS.viewTitle),
    submit: plain('Record', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks,
  };
}

/** The extension's due date, and its working days when holidays or days away fall in it. */
export function extendHint(dueDay: string, working?: string): string {
  return `Counted from today: due ${dueDay}${working ? `, ${working}` : ''}. Extensions are logged, so the team learns how long things really take.`;
}

/** The extension's length proposed first. */
export const EXTEND_DEFAULT_DAYS = 7;

export function extendModal(input: {
  h: HypothesisView;
  extensions: number;
  timebox: { min: number; max: number };
  reasonMax: number;
  privateMetadata: string;
  /** extendHint() for the default length. */
  dueHint: string;
}): ModalView {
  const warning =
    input.extensions >= 2
      ? `\n:warning: This would be extension ${input.extensions + 1}; the project lead is told from the third on.`
      : '';
  return {
    type: 'modal',
    callback_id: ids.checkin.extendModal,
    title: plain(`Extend H${input.h.number}`, LIMITS.viewTitle),
    submit: plain('Extend', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks: [
      { type: 'section', text: md(`*H${input.h.number}* ${userText(input.h.statement, 1500)}${warning}`) },
      {
        type: 'input',
        block_id: 'days',
        label: plain('More days', 2000),
        hint: plain(input.dueHint, 2000),
        // Typing redraws the hint with the new due date (ids.checkin.extendDays).
        dispatch_action: true,
        element: {
          type: 'number_input',
          action_id: ids.checkin.extendDays,
          is_decimal_allowed: false,
          min_value: String(input.timebox.min),
          max_value: String(input.timebox.max),
          initial_value: String(EXTEND_DEFAULT_DAYS),
          dispatch_action_config: { trigger_actions_on: ['on_character_entered', 'on_enter_pressed'] },
        },
      },
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Why more time?', 2000),
        element: {
          type: 'plain_text_input',
          action_id: 'reason',
          multiline: true,
          max_length: input.reasonMax,
        },
      },
    ],
  };
}

/** How much of each typed text the channel shows; *Details* on the announcement has it whole. */
const ANNOUNCED = { statement: 160, result: 240, learnings: 240, nextStep: 160 } as const;

/**
 * The channel hears a conclusion in a few lines (the card above is edited to show the
 * outcome): what came out, what was learned, what is next; the whole text is one press away.
 * A disproven hypothesis is announced as knowledge gained: here, and in the digest.
 */
export function outcomeAnnouncement(input: {
  h: HypothesisView & { project_name: string };
  answer: Answer;
  by: string;
  result: string | null;
  learnings: string | null;
  nextStep: string | null;
  span: TimeboxSpan;
  startedNext?: { number: number } | null;
}): { text: string; blocks: KnownBlock[] } {
  const { h } = input;
  const say = (text: string, max: number) => sentence(cutWords(escapeMrkdwn(text), max));
  const headline: Record<Answer, string> = {
    validated: `:white_check_mark: *H${h.number} validated:* the bar was met.`,
    disproven: `:bulb: *H${h.number} disproven: knowledge gained,* one dead end the team no longer has to walk.`,
    inconclusive: `:grey_question: *H${h.number} inconclusive:* we know what we could not tell apart.`,
    abandoned: `:wastebasket: *H${h.number} abandoned.*`,
  };
  const said = [
    input.result ? `Result: ${say(input.result, ANNOUNCED.result)}` : null,
    input.learnings ? `Learned: ${say(input.learnings, ANNOUNCED.learnings)}` : null,
    input.nextStep ? `Next: ${say(input.nextStep, ANNOUNCED.nextStep)}` : null,
  ].filter((x): x is string => x !== null);
  const lines = [`${headline[input.answer]} _${say(h.statement, ANNOUNCED.statement)}_`];
  if (said.length) lines.push(said.join(' '));
  const facts = [
    mention(input.by),
    timeboxPhrase(input.span),
    ...(input.startedNext ? [`H${input.startedNext.number} started`] : []),
  ];
  return {
    text: `H${h.number}: ${input.answer}`,
    blocks: [
      {
        type: 'section',
        text: md(lines.join('\n')),
        accessory: {
          type: 'button',
          action_id: ids.hypothesis.details,
          text: plain('Details', LIMITS.buttonText),
          value: String(h.id),
        },
      },
      { type: 'context', elements: [md(facts.join(' · '))] },
    ],
  };
}

/** Told to the project lead, who can nudge or reassign. */
export function leadNotice(text: string): { text: string; blocks: KnownBlock[] } {
  return { text, blocks: [{ type: 'section', text: md(text) }] };
}
