import { sql } from 'kysely';
import type { Db } from './index.js';

/** One budget a call draws on: a call every `intervalMs`, up to `toleranceMs` early (the burst). */
export interface BudgetDraw {
  bucket: string;
  intervalMs: number;
  toleranceMs: number;
}

/**
 * Reserves the next slot of each budget for one call and says how long to wait before
 * making it (the longest of the waits). One statement, so replicas drawing on the same
 * budget at once queue up behind each other instead of all going at once. Times are the
 * database's, the one clock every replica shares.
 */
export async function reserveSlot(db: Db, teamId: string, draws: BudgetDraw[]): Promise<number> {
  if (draws.length === 0) return 0;
  const rows = draws.map(
    (d) =>
      sql`(${teamId}, ${d.bucket}, now() + ${d.intervalMs} * interval '1 millisecond', ${d.intervalMs}::float8, ${d.toleranceMs}::float8)`,
  );
  const { rows: waits } = await sql<{ wait_ms: number }>`
    insert into slack_rate_budgets as b (team_id, bucket, tat, interval_ms, tolerance_ms)
    values ${sql.join(rows)}
    on conflict (team_id, bucket) do update
      set tat = greatest(b.tat, now()) + excluded.interval_ms * interval '1 millisecond',
          interval_ms = excluded.interval_ms,
          tolerance_ms = excluded.tolerance_ms
    returning greatest(0, extract(epoch from b.tat - now()) * 1000 - b.interval_ms - b.tolerance_ms)::float8 as wait_ms`.execute(
    db,
  );
  return Math.max(0, ...waits.map((w) => w.wait_ms));
}

/** Gives back slots reserved and not used (the call was put off instead). */
export async function releaseSlot(db: Db, teamId: string, draws: BudgetDraw[]): Promise<void> {
  for (const d of draws)
    await db
      .updateTable('slack_rate_budgets')
      .set({ tat: sql`tat - ${d.intervalMs} * interval '1 millisecond'` })
      .where('team_id', '=', teamId)
      .where('bucket', '=', d.bucket)
      .execute();
}

/**
 * Slack answered 429 with Retry-After: no replica draws on these budgets again before
 * `retryAfterMs` from now.
 */
export async function holdBudgets(
  db: Db,
  teamId: string,
  draws: BudgetDraw[],
  retryAfterMs: number,
): Promise<void> {
  const rows = draws.map(
    (d) =>
      sql`(${teamId}, ${d.bucket}, now() + ${retryAfterMs + d.toleranceMs} * interval '1 millisecond', ${d.intervalMs}::float8, ${d.toleranceMs}::float8)`,
  );
  await sql`
    insert into slack_rate_budgets as b (team_id, bucket, tat, interval_ms, tolerance_ms)
    values ${sql.join(rows)}
    on conflict (team_id, bucket) do update set tat = greatest(b.tat, excluded.tat)`.execute(db);
}

/** Budgets idle for an hour hold nothing a fresh one would not: one row per DM adds up. */
export async function forgetIdleBudgets(db: Db): Promise<void> {
  await db
    .deleteFrom('slack_rate_budgets')
    .where('tat', '<', sql<Date>`now() - interval '1 hour'`)
    .execute();
}
