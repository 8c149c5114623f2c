import type { z } from 'zod';
import type { RunMetrics } from '../rituals/evidence/metricValue.js';

/** A tracker's HTTP answer as what it means for people: refused, no such run, unreadable, or metrics. */
export async function answerOf<S extends z.ZodType>(
  response: Response,
  schema: S,
  read: (body: z.output<S>) => RunMetrics,
): Promise<RunMetrics> {
  if (response.status === 401 || response.status === 403) return { ok: false, why: 'refused' };
  if (response.status === 404) return { ok: false, why: 'no run' };
  if (!response.ok) return { ok: false, why: 'no answer' };
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? read(parsed.data) : { ok: false, why: 'no answer' };
}
