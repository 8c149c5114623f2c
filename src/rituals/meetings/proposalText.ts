/**
 * Reading a proposal's free text: the approach as a noun phrase, the gain as an amount on a
 * metric. The decision step builds its hypothesis sentence from these, and the pre-read's
 * pitfall flags compare gains with the optimising metric through the same reading, so the
 * two never disagree about what a proposal said.
 */

/** Openers that make a proposal a suggestion rather than a method: "Let's try X" → "X". */
const OPENERS = [
  /^(?:i|we)\s+(?:would\s+|could\s+|should\s+)?(?:propose|suggest|recommend|vote\s+for|think)(?:\s+(?:that|we|to|trying|using))*\s+/i,
  /^(?:let'?s|let us|we should|we could|we can|why not|how about|what about|maybe|perhaps|i'?d)\s+/i,
  /^(?:proposal|idea|option|suggestion)\s*:\s*/i,
  /^(?:try|trying|give|go with|switch to|move to|use|using)\s+(?:(?:a|it)\s+go\s+with\s+|out\s+)?/i,
];

/** Imperatives a proposal often starts with, and the noun form a hypothesis needs ("Add X" → "Adding X"). */
const GERUNDS: Record<string, string> = {
  add: 'Adding',
  augment: 'Augmenting',
  combine: 'Combining',
  distill: 'Distilling',
  drop: 'Dropping',
  ensemble: 'Ensembling',
  'fine-tune': 'Fine-tuning',
  finetune: 'Fine-tuning',
  filter: 'Filtering',
  increase: 'Increasing',
  pretrain: 'Pretraining',
  reduce: 'Reducing',
  remove: 'Removing',
  replace: 'Replacing',
  rerank: 'Reranking',
  're-rank': 'Re-ranking',
  retrain: 'Retraining',
  swap: 'Swapping',
  train: 'Training',
  tune: 'Tuning',
};

/** A sentence ends at . ! or ? followed by a space, but not after "e.g", "i.e", "vs", "etc" or inside "0.5". */
const SENTENCE_END = /(?<!\b(?:e\.g|i\.e|etc|vs|al))[.!?](?=\s|$)/i;
/** Where a reason starts: the method is what comes before it. */
const REASON = /\s*(?:,?\s+(?:because|since|as it|so that|which|given that)\b|\s[—–]\s|\s--?\s|;)/i;

/** "Cheap option first, an honest baseline: BM25 with synonyms" → "BM25 with synonyms"; "ColBERT: late interaction" stays. */
function afterLeadIn(s: string): string {
  const colon = s.indexOf(': ');
  if (colon < 0) return s;
  const [before, after] = [s.slice(0, colon), s.slice(colon + 2).trim()];
  const leadIn =
    before.split(/\s+/).length <= 8 &&
    (before.includes(',') || /\b(?:first|option|idea|plan|approach|baseline|instead)$/i.test(before));
  return leadIn && after ? after : s;
}

/**
 * The approach as the subject of a hypothesis: its first sentence, without "Let's try" or
 * "I propose", the reason after it, or a trailing citation in parentheses. Empty when the
 * approach holds nothing but an opener.
 */
export function approachSubject(approach: string): string {
  let s = (approach.split('\n').find((l) => l.trim()) ?? '').trim();
  s = s.split(SENTENCE_END)[0]!.trim();
  for (let changed = true; changed;) {
    const before = s;
    for (const opener of OPENERS) s = s.replace(opener, '');
    changed = s !== before;
  }
  s = afterLeadIn(s);
  s = s.split(REASON)[0]!.trim();
  s = s.replace(/\s*\([^()]*\)\s*$/, '').replace(/[\s.,;:!?]+$/, '');
  const [first, ...rest] = s.split(' ');
  const gerund = first ? GERUNDS[first.toLowerCase()] : undefined;
  if (gerund && rest.length > 0) return [gerund, ...rest].join(' ');
  // "colbert re-ranking" starts a sentence; "iPhone" or "BERT" stay as written.
  return /^[a-z][a-z-]*$/.test(first ?? '') ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** Words that name a metric: a gain using one of them, but not the optimising metric, is off-metric. */
const METRIC_WORDS = new Set([
  'accuracy',
  'auc',
  'aucpr',
  'prauc',
  'rocauc',
  'roc',
  'recall',
  'precision',
  'f1',
  'fscore',
  'ndcg',
  'mrr',
  'map',
  'bleu',
  'rouge',
  'wer',
  'cer',
  'latency',
  'loss',
  'perplexity',
  'ctr',
  'fpr',
  'tpr',
  'mae',
  'rmse',
  'mse',
  'iou',
  'hitrate',
  'coverage',
  'throughput',
  'conversion',
  'error',
]);

/**
 * Tokens for comparing metric names: lowercase, "@" read as "at", hyphens and dots inside
 * names dropped ("PR-AUC" → "prauc", "recall@10" → "recall at 10"), "%" kept on its number.
 */
export function metricTokens(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/@/g, ' at ')
      .replace(/(?<=[a-z0-9])[-_.](?=[a-z])/g, '')
      .replace(/(?<=[a-z])[-_](?=[0-9])/g, '')
      .match(/[a-z0-9]+(?:\.[0-9]+)?%?/g) ?? []
  );
}

/** Where a metric's name ends and its scope begins: "recall@10 on rare intents" is measured as "recall@10". */
const SCOPE = new Set(['on', 'for', 'in', 'over', 'across', 'among', 'per', 'within', 'with']);

/** The tokens naming what is measured, without the scope it is measured on. */
export function measureTokens(metric: string): string[] {
  const tokens = metricTokens(metric);
  const scope = tokens.findIndex((t, i) => i > 0 && SCOPE.has(t));
  return scope < 0 ? tokens : tokens.slice(0, scope);
}

const indexOfRun = (haystack: string[], needle: string[]): number => {
  if (needle.length === 0) return -1;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((t, k) => haystack[i + k] === t)) return i;
  }
  return -1;
};

export type GainMetric =
  /** The gain names the whole optimising metric. */
  | 'on'
  /** The gain names a metric, and it is another one (or another operating point of it). */
  | 'off'
  /** The gain gives an amount and names no metric: read as on the metric the form asked about. */
  | 'unnamed';

/** Which metric a gain is stated on, compared with the whole optimising metric (not its first word). */
export function gainMetric(gain: string, metric: string): GainMetric {
  const tokens = metricTokens(gain);
  const measure = measureTokens(metric);
  if (indexOfRun(tokens, measure) >= 0) return 'on';
  return tokens.some((t) => METRIC_WORDS.has(t)) ? 'off' : 'unnamed';
}

/** The amount a gain promises, as a hypothesis says it: "by 3%", "from 0.91 to 0.93", "by 20 ms". */
export interface GainAmount {
  phrase: string;
  direction: 'raise' | 'lower';
}

const NUMBER = String.raw`\d+(?:[.,]\d+)?`;
const UNIT = String.raw`\s*(?:%|pp\b|percentage points?\b|points?\b|pts\b|ms\b|x\b)?`;

/**
 * The amount in a gain, once the metric's own name is taken out of it (so the "1%" of
 * "recall at 1% FPR" is never read as the gain). Null when it names no number.
 */
export function gainAmount(gain: string, metric: string | null): GainAmount | null {
  let text = ` ${gain} `;
  if (metric) {
    const name = metric.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(name, 'gi'), ' ');
    const measure = measureTokens(metric).join(' ');
    if (measure) text = text.replace(new RegExp(measure.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&'), 'gi'), ' ');
  }
  text = text.replace(/\b(?:at|@)\s*\d+(?:[.,]\d+)?\s*%?\s*(?:fpr|tpr|recall|precision|k)\b/gi, ' ');
  const fromTo = new RegExp(`from\\s+(${NUMBER}${UNIT})\\s+to\\s+(${NUMBER}${UNIT})`, 'i').exec(text);
  const lowers = /\b(?:lower|reduce|reduces|cut|cuts|drop|drops|decrease|fewer|less)\b/i.test(text);
  if (fromTo) {
    const [from, to] = [Number(fromTo[1]!.replace(/[^\d.]/g, '')), Number(fromTo[2]!.replace(/[^\d.]/g, ''))];
    return {
      phrase: `from ${fromTo[1]!.trim()} to ${fromTo[2]!.trim()}`,
      direction: to < from ? 'lower' : 'raise',
    };
  }
  const amount = new RegExp(`([+−-]?)\\s*(${NUMBER})(${UNIT})`, 'i').exec(text);
  if (!amount) return null;
  const unit = amount[3]!.trim();
  const spaced = unit && unit !== '%' && unit !== 'x' ? ` ${unit}` : unit;
  return {
    phrase: `by ${amount[2]}${spaced}`,
    direction: amount[1] === '-' || amount[1] === '−' || lowers ? 'lower' : 'raise',
  };
}

/** A baseline a sentence can end on: its first line, short enough, "The x" read as "the x". */
export function baselinePhrase(baseline: string | null): string | null {
  const first =
    baseline
      ?.split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  const clause = first.split(/[.;:(]|,\s|\s[—–-]\s/)[0]!.trim();
  if (!clause || clause.length > 80) return null;
  return /^(?:the|our|a|an)\s/i.test(clause) ? clause.charAt(0).toLowerCase() + clause.slice(1) : clause;
}
