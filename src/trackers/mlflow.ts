import { z } from 'zod';
import type { TrackersConfig } from '../config.js';
import type { RunMetrics } from '../rituals/evidence/metricValue.js';
import type { TrackedRun } from '../rituals/evidence/runLinks.js';
import { answerOf } from './http.js';

/** runs/get: `data.metrics` holds the latest value of each key (MLflow REST API 2.0). */
const RunsGet = z.object({
  run: z.object({
    data: z
      .object({ metrics: z.array(z.object({ key: z.string(), value: z.number() })).optional() })
      .optional(),
  }),
});

export async function mlflowRunMetrics(
  config: NonNullable<TrackersConfig['mlflow']>,
  run: TrackedRun,
  signal: AbortSignal,
): Promise<RunMetrics> {
  const url = new URL('api/2.0/mlflow/runs/get', config.uri.endsWith('/') ? config.uri : `${config.uri}/`);
  url.searchParams.set('run_id', run.runId);
  const response = await fetch(url, {
    signal,
    headers: config.token ? { authorization: `Bearer ${config.token}` } : {},
  });
  return answerOf(response, RunsGet, (body) => ({
    ok: true,
    metrics: Object.fromEntries((body.run.data?.metrics ?? []).map((m) => [m.key, m.value])),
  }));
}
