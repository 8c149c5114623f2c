import { z } from 'zod';
import type { TrackersConfig } from '../config.js';
import type { RunMetrics } from '../rituals/evidence/metricValue.js';
import type { TrackedRun } from '../rituals/evidence/runLinks.js';
import { answerOf } from './http.js';

const QUERY = `query Run($entity: String!, $project: String!, $run: String!) {
  project(name: $project, entityName: $entity) { run(name: $run) { summaryMetrics } }
}`;

/** `summaryMetrics` is a JSON string of the run's summary: the latest value of each key. */
const RunQuery = z.object({
  data: z
    .object({
      project: z.object({ run: z.object({ summaryMetrics: z.string().nullable() }).nullable() }).nullable(),
    })
    .nullable(),
});

const numbersOf = (json: string | null): Record<string, number> | null => {
  try {
    const parsed: unknown = JSON.parse(json ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
  } catch {
    return null;
  }
};

export async function wandbRunMetrics(
  config: NonNullable<TrackersConfig['wandb']>,
  run: TrackedRun,
  signal: AbortSignal,
): Promise<RunMetrics> {
  if (run.tracker !== 'wandb') return { ok: false, why: 'no run' };
  const response = await fetch(
    new URL('graphql', config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`),
    {
      method: 'POST',
      signal,
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`api:${config.apiKey}`).toString('base64')}`,
      },
      body: JSON.stringify({
        query: QUERY,
        variables: { entity: run.entity, project: run.project, run: run.runId },
      }),
    },
  );
  return answerOf(response, RunQuery, (body) => {
    const found = body.data?.project?.run;
    if (!found) return { ok: false, why: 'no run' };
    const metrics = numbersOf(found.summaryMetrics);
    return metrics ? { ok: true, metrics } : { ok: false, why: 'no answer' };
  });
}
