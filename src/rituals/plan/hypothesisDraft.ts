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

/** `default` only where a timebox is derived (a proposal's cost); the form has none. */
export const TIMEBOX = { min: 1, max: 90, default: 14 } as const;

/** The explicit answer when there is nothing to compare against yet. */
export const BASELINE_NONE = 'None yet: this hypothesis establishes it.';

/** A template's blank left in: "by X%", "N ms", "+Y points". */
const PLACEHOLDER = /(^|[\s+(-])[XYN](\s*%|\s*(pp|points?|ms|s)\b|$|[\s).,])/;

/**
 * A bar is measurable when it says how much: "recall on class C +5% over baseline",
 * "p95 latency under 40 ms". "Improve the model" and "improve recall" name no number and
 * cannot be checked when the timebox ends; "improve AUC by X%" still has the template's
 * blank in it. The form's hint gives exactly these examples, so hint and check agree.
 */
export function barError(text: string): string | null {
  if (PLACEHOLDER.test(text))
    return 'Replace the X with the number you expect, e.g. "AUC +2% over the baseline".';
  if (!/\d/.test(text))
    return 'Give a measurable bar against the baseline, with a number: "improve recall" cannot be checked; "recall on class C +5% over baseline, others down 1% at most" can.';
  return null;
}

export const hasMeasurableBar = (text: string): boolean => barError(text) === null;

/** What the bar of the practice asks beyond a number: the metric, and what it is measured against. */
export function barFieldErrors(draft: {
  metric: string | null;
  baseline: string | null;
}): Partial<Record<'metric' | 'baseline', string>> {
  const errors: Partial<Record<'metric' | 'baseline', string>> = {};
  if (!draft.metric) errors.metric = 'Name the metric the bar is measured on, e.g. "recall@10 on class C".';
  if (!draft.baseline) errors.baseline = `Say what it is measured against, or tick "${BASELINE_NONE}"`;
  return errors;
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
  /** The form's "none yet" box: an explicit answer, kept as BASELINE_NONE. */
  baselineNone: z
    .union([z.array(z.string()), z.string()])
    .nullish()
    .transform((v) => (Array.isArray(v) ? v.length > 0 : Boolean(v))),
  successCriteria: z
    .string({ error: 'Say what result counts as success, with a number.' })
    .trim()
    .min(1, { error: 'Say what result counts as success, with a number.' })
    .max(HYPOTHESIS_LIMITS.successCriteria, {
      error: `Keep it under ${HYPOTHESIS_LIMITS.successCriteria} characters.`,
    })
    .superRefine((text, ctx) => {
      const error = barError(text);
      if (error) ctx.addIssue({ code: 'custom', message: error });
    }),
  timeboxDays: z
    .union([z.number(), z.string().trim().min(1)], {
      error: `Pick the timebox: whole days, ${TIMEBOX.min} to ${TIMEBOX.max}. When it ends, the owner is asked how it went.`,
    })
    .transform(Number)
    .pipe(
      z
        .number({ error: `Give the timebox in whole days, ${TIMEBOX.min} to ${TIMEBOX.max}.` })
        .int({ error: `Give the timebox in whole days, ${TIMEBOX.min} to ${TIMEBOX.max}.` })
        .min(TIMEBOX.min, { error: `A timebox is at least ${TIMEBOX.min} day.` })
        .max(TIMEBOX.max, {
          error: `A timebox is at most ${TIMEBOX.max} days. Split longer work into several hypotheses.`,
        }),
    ),
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
  ({ runLinks, datasetVersion, randomSeed, trackerMetricKey, baselineNone, ...rest }) => ({
    ...rest,
    baseline: baselineNone ? BASELINE_NONE : rest.baseline,
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

const BarFields = z.object({
  metric: DraftFields.shape.metric,
  baseline: DraftFields.shape.baseline,
  baselineNone: DraftFields.shape.baselineNone,
});

/**
 * The hypothesis form as people fill it: the draft's checks plus the bar the practice asks
 * for (a metric, and a baseline or the explicit "none yet"), every error at once. Any form
 * that writes a hypothesis can call it.
 */
export function validateHypothesisForm(
  input: Record<string, unknown>,
): Validated<HypothesisDraft, DraftField> {
  const checked = validateHypothesisDraft(input);
  const raw = BarFields.safeParse(input);
  const bar = raw.success
    ? barFieldErrors({
        metric: raw.data.metric,
        baseline: raw.data.baselineNone ? BASELINE_NONE : raw.data.baseline,
      })
    : {};
  if (checked.ok && Object.keys(bar).length === 0) return checked;
  return { ok: false, errors: { ...bar, ...(checked.ok ? {} : checked.errors) } };
}
