import type { Clock } from '../clock.js';
import type { TrackersConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { metricHint, type RunMetrics } from '../rituals/evidence/metricValue.js';
import { trackedRuns, type TrackedRun } from '../rituals/evidence/runLinks.js';
import { mlflowRunMetrics } from './mlflow.js';
import { wandbRunMetrics } from './wandb.js';

/** Each tracker is given this long per run; past it the message goes out without the number. */
export const FETCH_TIMEOUT_MS = 2_000;
/** How long an answer is reused: a digest and the check-ins of one sweep ask once per run. */
const CACHE_MS = { ok: 5 * 60_000, failed: 60_000 } as const;
/** A hypothesis with many runs shows the first few. */
const RUNS_SHOWN = 3;

export interface MetricReader {
  /** One hint per tracked run of the hypothesis (at most three); [] when nothing to say. */
  hints(h: {
    metric: string | null;
    tracker_metric_key?: string | null;
    run_links?: string[];
  }): Promise<string[]>;
}

type Fetcher = (run: TrackedRun, signal: AbortSignal) => Promise<RunMetrics>;

/** Reads linked runs' metrics from the configured trackers, bounded in time, with a cache. */
export function createMetricReader(config: TrackersConfig, clock: Clock, logger: Logger): MetricReader {
  const fetchers: Partial<Record<TrackedRun['tracker'], Fetcher>> = {};
  const { mlflow, wandb } = config;
  if (mlflow) fetchers.mlflow = (run, signal) => mlflowRunMetrics(mlflow, run, signal);
  if (wandb) fetchers.wandb = (run, signal) => wandbRunMetrics(wandb, run, signal);
  const cache = new Map<string, { until: number; answer: RunMetrics }>();

  async function read(run: TrackedRun): Promise<RunMetrics> {
    const key = JSON.stringify(run);
    const now = clock.now().getTime();
    const cached = cache.get(key);
    if (cached && cached.until > now) return cached.answer;
    let answer: RunMetrics;
    try {
      answer = await fetchers[run.tracker]!(run, AbortSignal.timeout(FETCH_TIMEOUT_MS));
    } catch (error) {
      // The tracker's URL and token stay out of the line: only what went wrong.
      logger.warn('tracker did not answer', {
        tracker: run.tracker,
        runId: run.runId,
        error: error instanceof Error ? error.name : 'unknown',
      });
      answer = { ok: false, why: 'no answer' };
    }
    cache.set(key, { until: now + (answer.ok ? CACHE_MS.ok : CACHE_MS.failed), answer });
    return answer;
  }

  return {
    async hints(h) {
      const wanted = h.tracker_metric_key ?? h.metric;
      if (!wanted) return [];
      const runs = trackedRuns(h.run_links ?? [])
        .filter(({ run }) => fetchers[run.tracker])
        .slice(0, RUNS_SHOWN);
      const answers = await Promise.all(runs.map(({ run }) => read(run)));
      return runs.map(({ run }, i) => metricHint(run, answers[i]!, wanted));
    },
  };
}

/** For deployments with no tracker configured, and for code paths that never ask. */
export const noMetrics: MetricReader = { hints: () => Promise.resolve([]) };
