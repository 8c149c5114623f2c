import type { TrackedRun } from './runLinks.js';

/** "val/Recall@10" and "val_recall_10" are one metric: case and punctuation aside. */
export const metricKeyForm = (key: string) => key.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The run's value for the hypothesis' metric: the key chosen in the modal when there is
 * one, else the metric's own name. An exact match first, then one key containing the
 * other ("recall@10" in "val/recall@10"), the shortest such key, so "auc" does not pick
 * "auc_std" over "val_auc".
 */
export function matchMetric(
  metrics: Record<string, number>,
  wanted: string,
): { key: string; value: number } | null {
  const want = metricKeyForm(wanted);
  if (!want) return null;
  const keys = Object.keys(metrics);
  const exact = keys.find((k) => metricKeyForm(k) === want);
  const partial = keys
    .filter((k) => {
      const form = metricKeyForm(k);
      return form.length > 0 && (form.includes(want) || want.includes(form));
    })
    .sort((a, b) => a.length - b.length)[0];
  const key = exact ?? partial;
  return key === undefined ? null : { key, value: metrics[key]! };
}

/** What a tracker answered about one run. */
export type RunMetrics =
  { ok: true; metrics: Record<string, number> } | { ok: false; why: 'no answer' | 'refused' | 'no run' };

export const TRACKER_NAME: Record<TrackedRun['tracker'], string> = { mlflow: 'MLflow', wandb: 'W&B' };

const shortId = (id: string) => (id.length > 8 ? `${id.slice(0, 4)}…` : id);

const formatValue = (v: number) =>
  Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 ? v.toFixed(1) : String(Number(v.toPrecision(3)));

/**
 * One line for people: "AUC 0.923 in MLflow run 3f2a…", or why there is no number. A
 * hint next to the bar, never the verdict: the owner still answers.
 */
export function metricHint(run: TrackedRun, answer: RunMetrics, wanted: string): string {
  const tracker = TRACKER_NAME[run.tracker];
  const where = `${tracker} run ${shortId(run.runId)}`;
  if (!answer.ok) {
    if (answer.why === 'refused') return `${tracker} refused Labbook's token for ${where}`;
    if (answer.why === 'no run') return `${tracker} has no run ${shortId(run.runId)}`;
    return `${tracker} did not answer`;
  }
  const found = matchMetric(answer.metrics, wanted);
  return found ? `${wanted} ${formatValue(found.value)} in ${where}` : `no “${wanted}” in ${where}`;
}
