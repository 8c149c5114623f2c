import { z } from 'zod';
import type { Evidence } from '../../db/hypotheses.js';
import { parseRunLinks } from './runLinks.js';

/** Labels shared by the hypothesis modal and the check-in form; errors name the field by them. */
export const EVIDENCE_LABELS = {
  runLinks: 'Runs and artifacts',
  datasetVersion: 'Dataset version',
  randomSeed: 'Random seed',
  trackerMetricKey: 'Metric name in the tracker',
} as const;

export const EVIDENCE_LIMITS = { runLinks: 3000, datasetVersion: 100, randomSeed: 40, trackerMetricKey: 100 };

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Keep it under ${max} characters.` })
    .nullish()
    .transform((v) => v || null);

/** The evidence inputs of a form, keyed by their block ids. */
export const evidenceShape = {
  runLinks: z
    .string()
    .nullish()
    .transform((text, ctx) => {
      const parsed = parseRunLinks(text, EVIDENCE_LABELS.runLinks);
      if (parsed.ok) return parsed.links;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }),
  datasetVersion: optional(EVIDENCE_LIMITS.datasetVersion),
  randomSeed: optional(EVIDENCE_LIMITS.randomSeed),
  trackerMetricKey: optional(EVIDENCE_LIMITS.trackerMetricKey),
};

type EvidenceInput = { [K in keyof typeof evidenceShape]: z.output<(typeof evidenceShape)[K]> };

export const evidenceOf = (f: EvidenceInput): Evidence => ({
  runLinks: f.runLinks,
  datasetVersion: f.datasetVersion,
  randomSeed: f.randomSeed,
  trackerMetricKey: f.trackerMetricKey,
});
