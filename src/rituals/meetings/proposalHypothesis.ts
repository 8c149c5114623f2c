import type { Proposal } from '../../db/schema/index.js';
import { truncate } from '../../../blocks/text.js';
import { HYPOTHESIS_LIMITS, TIMEBOX, type HypothesisDraft } from '../plan/hypothesisDraft.js';
import { approachSubject, baselinePhrase, gainAmount, gainMetric, measureTokens } from './proposalText.js';

/** The longest subject a statement takes before the verb, so the metric and amount always fit. */
const SUBJECT_MAX = 150;
const LOWER_IS_BETTER = new Set([
  'latency',
  'loss',
  'error',
  'wer',
  'cer',
  'fpr',
  'mae',
  'rmse',
  'mse',
  'perplexity',
  'cost',
  'time',
]);

/** Latency or loss is better lower; "recall at 1% FPR" is recall (its operating point aside). */
const lowerIsBetter = (metric: string) => {
  const measure = measureTokens(metric);
  const at = measure.indexOf('at');
  return (at < 0 ? measure : measure.slice(0, at)).some((t) => LOWER_IS_BETTER.has(t));
};

const shorten = (text: string, max: number) => {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
};

/** What a gain compares against, when it says so: "+3% over BM25" → "BM25". */
function gainBaseline(gain: string): string | null {
  const match = /\b(?:over|than|vs\.?|versus|compared (?:to|with)|relative to)\s+(.+)$/i.exec(gain);
  return match ? baselinePhrase(match[1]!) : null;
}

/** The metric a gain names when the meeting has none: the gain without its amount and comparison. */
function gainMetricName(gain: string): string | null {
  const name = gain
    .replace(/\b(?:over|than|vs\.?|versus|compared (?:to|with)|relative to)\s+.*$/i, ' ')
    .replace(/from\s+[\d.,]+\s*%?\s+to\s+[\d.,]+\s*%?/i, ' ')
    .replace(/[+−-]?\s*\d+(?:[.,]\d+)?\s*(?:%|pp\b|percentage points?\b|points?\b|pts\b|ms\b|x\b)?/gi, ' ')
    .replace(
      /\b(?:gain|improvement|increase|uplift|relative|absolute|about|around|roughly|approx\.?|up to|expected|better|higher|lower|by|on|in|of|a|an|the)\b/gi,
      ' ',
    )
    .replace(/\s+/g, ' ')
    .replace(/^[\s,.:;~–—-]+|[\s,.:;~–—-]+$/g, '');
  return name && name.length <= 60 ? name : null;
}

export interface ProposalSentenceInput {
  approach: string;
  expectedGain: string | null;
  /** The meeting's optimising metric. */
  metric: string | null;
  /** The design doc's baseline. */
  baseline: string | null;
}

/**
 * The hypothesis a proposal states, as one sentence: "ColBERT re-ranking will raise
 * recall@10 on rare intents by 3% over the production ranker". Built only from what the
 * proposal and the project say: no amount when the gain names none (or names another
 * metric: the bar is then the lead's to set), the gain's own comparison when the design doc
 * names no baseline, and never the gain's words repeated after the amount.
 */
export function hypothesisSentence(i: ProposalSentenceInput): string {
  const subject = shorten(approachSubject(i.approach) || i.approach.split('\n')[0]!.trim(), SUBJECT_MAX);
  const gain = i.expectedGain?.trim() || null;
  const onMetric = gain && i.metric ? gainMetric(gain, i.metric) !== 'off' : Boolean(gain);
  const amount = gain && onMetric ? gainAmount(gain, i.metric) : null;
  const metric = i.metric?.trim() || (gain && gainMetricName(gain)) || 'the optimising metric';
  const verb = !amount
    ? 'improve'
    : lowerIsBetter(metric) || amount.direction === 'lower'
      ? 'lower'
      : 'raise';
  const baseline = baselinePhrase(i.baseline) ?? (gain && gainBaseline(gain)) ?? 'the baseline';
  return truncate(
    `${subject} will ${verb} ${metric}${amount ? ` ${amount.phrase}` : ''} over ${baseline}`,
    HYPOTHESIS_LIMITS.statement,
  );
}

/**
 * The success criteria a proposal's gain gives: the gain itself when it names the metric,
 * the metric and the gain when it names none, nothing when it names another metric or no
 * number (a bar the lead writes, rather than one that measures the wrong thing).
 */
export function successFromGain(gain: string | null, metric: string | null): string {
  const g = gain?.trim();
  if (!g || !/\d/.test(g)) return '';
  const kind = metric ? gainMetric(g, metric) : 'on';
  if (kind === 'off') return '';
  return truncate(kind === 'unnamed' ? `${metric}: ${g}` : g, HYPOTHESIS_LIMITS.successCriteria);
}

/** The timebox a proposal gives: its cost estimate, within the timebox's bounds; none without one. */
export function timeboxFromCost(costDays: number | null): { days: number; capped: boolean } | null {
  if (costDays === null) return null;
  const days = Math.min(TIMEBOX.max, Math.max(TIMEBOX.min, costDays));
  return { days, capped: days !== costDays };
}

export type ProposalHypothesis = Omit<HypothesisDraft, 'startNow' | 'timeboxDays'> & {
  /** From the proposal's cost when it gave one; otherwise the lead enters it. */
  timeboxDays: number | null;
};

/** The hypothesis a chosen proposal suggests, for the lead to adjust before it is created. */
export function hypothesisFromProposal(
  p: Pick<Proposal, 'approach' | 'expected_gain' | 'cost_days' | 'author_user_id'>,
  m: { metric: string | null; project_id: number },
  baseline: string | null,
): ProposalHypothesis {
  return {
    projectId: m.project_id,
    statement: hypothesisSentence({
      approach: p.approach,
      expectedGain: p.expected_gain,
      metric: m.metric,
      baseline,
    }),
    method: truncate(p.approach, HYPOTHESIS_LIMITS.method),
    metric: m.metric ? truncate(m.metric, HYPOTHESIS_LIMITS.metric) : null,
    baseline: baseline ? truncate(baseline, HYPOTHESIS_LIMITS.baseline) : null,
    successCriteria: successFromGain(p.expected_gain, m.metric),
    timeboxDays: timeboxFromCost(p.cost_days)?.days ?? null,
    nextOnFailure: null,
    nextOnSuccess: null,
    ownerUserId: p.author_user_id,
  };
}
