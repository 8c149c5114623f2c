import { z } from 'zod';
import { validateForm, type Validated } from '../forms.js';
import type { HypothesisFields } from '../../db/hypotheses.js';
import { evidenceOf, evidenceShape } from '../evidence/evidenceForm.js';

/** Field lengths: enforced by max_length in the modal and again here, server-side. */
export const HYPOTHESIS_LIMITS = {
  statement: 300,
  method: 1000,
  metric: 150,
  baseline: 300,
  successCriteria: 500,
  nextSteps: 500,
} as const;

export const TIMEBOX = { min: 1, max: 90, default: 14 } as const;

/**
 * A bar is measurable when it says how much: "recall on class C +5% over baseline",
 * "p95 latency under 40 ms". "Improve the model" names no number and cannot be
 * checked when the timebox ends.
 */
export function hasMeasurableBar(text: string): boolean {
  return /\d/.test(text);
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Keep it under ${max} characters.` })
    .nullish()
    .transform((v) => (v ? v : null));

const DraftFields = z.object({
  projectId: z.coerce.number({ error: 'Choose the project this hypothesis belongs to.' }).int().positive(),
  statement: z
    .string({ error: 'Write the hypothesis: "method A will improve metric B by X% over the baseline".' })
    .trim()
    .min(1, { error: 'Write the hypothesis: "method A will improve metric B by X% over the baseline".' })
    .max(HYPOTHESIS_LIMITS.statement, { error: `Keep it under ${HYPOTHESIS_LIMITS.statement} characters.` }),
  method: optionalText(HYPOTHESIS_LIMITS.method),
  metric: optionalText(HYPOTHESIS_LIMITS.metric),
  baseline: optionalText(HYPOTHESIS_LIMITS.baseline),
  successCriteria: z
    .string({ error: 'Say what result counts as success, with a number.' })
    .trim()
    .min(1, { error: 'Say what result counts as success, with a number.' })
    .max(HYPOTHESIS_LIMITS.successCriteria, {
      error: `Keep it under ${HYPOTHESIS_LIMITS.successCriteria} characters.`,
    })
    .refine(hasMeasurableBar, {
      error:
        'Give a measurable bar against the baseline, e.g. "recall on class C +5% with others down 1% at most". "Improve the model" cannot be checked.',
    }),
  timeboxDays: z.coerce
    .number({ error: `Give the timebox in whole days, ${TIMEBOX.min} to ${TIMEBOX.max}.` })
    .int({ error: `Give the timebox in whole days, ${TIMEBOX.min} to ${TIMEBOX.max}.` })
    .min(TIMEBOX.min, { error: `A timebox is at least ${TIMEBOX.min} day.` })
    .max(TIMEBOX.max, {
      error: `A timebox is at most ${TIMEBOX.max} days. Split longer work into several hypotheses.`,
    }),
  ownerUserId: z.string({ error: 'Choose who owns this hypothesis.' }).min(1),
  nextOnFailure: optionalText(HYPOTHESIS_LIMITS.nextSteps),
  nextOnSuccess: optionalText(HYPOTHESIS_LIMITS.nextSteps),
  startNow: z
    .enum(['now', 'proposed'])
    .nullish()
    .transform((v) => v !== 'proposed'),
  ...evidenceShape,
});

export const HypothesisDraftSchema = DraftFields.transform(
  ({ runLinks, datasetVersion, randomSeed, trackerMetricKey, ...rest }) => ({
    ...rest,
    evidence: evidenceOf({ runLinks, datasetVersion, randomSeed, trackerMetricKey }),
  }),
);

export type HypothesisDraft = HypothesisFields & { projectId: number; startNow: boolean };
export type DraftField = keyof z.input<typeof HypothesisDraftSchema>;

/** Form values in, a draft or one message per offending field out. */
export function validateHypothesisDraft(
  input: Record<string, unknown>,
): Validated<HypothesisDraft, DraftField> {
  return validateForm(HypothesisDraftSchema, input);
}
