import { z } from 'zod';
import { HYPOTHESIS_LIMITS } from '../plan/hypothesisDraft.js';

/** Field lengths: max_length in the modals and checked again here. */
export const MEETING_LIMITS = {
  question: 300,
  metric: HYPOTHESIS_LIMITS.metric,
  approach: 3000,
  relatedWork: 3000,
  expectedGain: 500,
  risks: 2000,
  decision: 3000,
  whyNot: 3000,
  costDays: { min: 1, max: 365 },
} as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Keep it under ${max} characters.` })
    .nullish()
    .transform((v) => (v ? v : null));

const requiredText = (max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .min(1, { error: message })
    .max(max, { error: `Keep it under ${max} characters.` });

/** A datetimepicker's epoch seconds, as a Date. */
const moment = (message: string) =>
  z.coerce
    .number({ error: message })
    .int({ error: message })
    .positive({ error: message })
    .transform((s) => new Date(s * 1000));

export const MeetingForm = z.object({
  question: requiredText(
    MEETING_LIMITS.question,
    'Write the question the meeting decides, e.g. "Which model do we try next for ranking?"',
  ),
  scheduledAt: moment('Pick the date and time of the meeting.'),
  participants: z
    .array(z.string(), { error: 'Invite at least one participant.' })
    .min(1, { error: 'Invite at least one participant.' }),
  deadline: moment('Pick when proposals are due.').nullish(),
  metric: optionalText(MEETING_LIMITS.metric),
});
export type MeetingForm = z.output<typeof MeetingForm>;

export const RescheduleForm = MeetingForm.pick({ scheduledAt: true, deadline: true });
export type RescheduleForm = z.output<typeof RescheduleForm>;

export const ProposalForm = z
  .object({
    approach: requiredText(MEETING_LIMITS.approach, 'Describe the approach you propose.'),
    relatedWork: optionalText(MEETING_LIMITS.relatedWork),
    noReading: z
      .array(z.string())
      .nullish()
      .transform((v) => (v ?? []).includes('none')),
    expectedGain: optionalText(MEETING_LIMITS.expectedGain),
    costDays: z
      .union([z.literal(''), z.null(), z.undefined(), z.coerce.number()])
      .transform((v) => (typeof v === 'number' ? v : null))
      .refine(
        (v) =>
          v === null ||
          (Number.isInteger(v) && v >= MEETING_LIMITS.costDays.min && v <= MEETING_LIMITS.costDays.max),
        {
          error: `Give the cost in whole days, ${MEETING_LIMITS.costDays.min} to ${MEETING_LIMITS.costDays.max}.`,
        },
      ),
    risks: optionalText(MEETING_LIMITS.risks),
    optionKind: z.enum(['simple', 'sota'], {
      error: 'Say whether this is a simple/standard option or a state-of-the-art one.',
    }),
  })
  .superRefine((p, ctx) => {
    // The seed insists on reading before proposing: say what was read, or say none was needed.
    if (!p.relatedWork && !p.noReading) {
      ctx.addIssue({
        code: 'custom',
        path: ['relatedWork'],
        message: 'Name the papers or links you read, or tick "no reading needed".',
      });
    }
  });
export type ProposalForm = z.output<typeof ProposalForm>;

/** The ways a meeting ends: proposals chosen, none (stop), or none yet (collect more). */
export const OUTCOMES = ['chosen', 'stop', 'more'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const DecisionForm = z
  .object({
    outcome: z.enum(OUTCOMES, { error: 'Say how the meeting ends.' }),
    chosen: z
      .array(z.coerce.number().int().positive())
      .nullish()
      .transform((v) => v ?? []),
    decision: requiredText(MEETING_LIMITS.decision, 'Write the decision in words.'),
    whyNot: optionalText(MEETING_LIMITS.whyNot),
    newDeadline: moment('Pick when the new proposals are due.').nullish(),
    newScheduledAt: moment('Pick the new meeting time.').nullish(),
  })
  .superRefine((d, ctx) => {
    if (d.outcome === 'chosen' && d.chosen.length === 0)
      ctx.addIssue({ code: 'custom', path: ['chosen'], message: 'Choose at least one proposal.' });
    if (d.outcome !== 'chosen' && d.chosen.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['chosen'],
        message:
          'No proposal is chosen when the meeting ends this way: clear the choice, or pick "Chosen proposals".',
      });
    if (d.outcome === 'more' && !d.newDeadline)
      ctx.addIssue({
        code: 'custom',
        path: ['newDeadline'],
        message: 'Pick when the new proposals are due.',
      });
  });
export type DecisionForm = z.output<typeof DecisionForm>;

/** The decision's second step: the decision again; hypotheses and reasons are read per proposal. */
export const DecisionStepTwoForm = z.object({
  decision: requiredText(MEETING_LIMITS.decision, 'Write the decision in words.'),
});

/** What to do with a chosen proposal: start a hypothesis now, write it down as proposed, or neither. */
export const START_CHOICES = ['now', 'proposed', 'none'] as const;
export type StartChoice = (typeof START_CHOICES)[number];
