import { sql } from 'kysely';
import type { Db } from '../../src/db/index.js';
import { makeProject } from './factories.js';

/** The owner of the i-th due check-in (1-based): U0P0001, U0P0002, … */
export const dueOwner = (i: number): string => `U0P${String(i).padStart(5, '0')}`;

/**
 * `count` running hypotheses in one project, each owned by someone else, all due a minute
 * ago, each with its check-in scheduled as the app schedules it. Any hour of any day is
 * working time, so the real clock of a child process never defers one: what is measured
 * is the claiming and sending. Times are kept to the millisecond, as the app writes them.
 */
export async function seedDueCheckIns(db: Db, teamId: string, count: number): Promise<void> {
  const project = await makeProject(db, { teamId, channelId: 'C0LOAD', lead: 'U0LEAD' });
  await db
    .updateTable('workspaces')
    .set({ working_hours_start: 0, working_hours_end: 24, working_days: [1, 2, 3, 4, 5, 6, 7] })
    .execute();
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days, owner_user_id, status, started_at, due_at, created_by)
    select ${teamId}, ${project.id}, g, 'H' || g || ' beats the baseline by 1%', '+1% over baseline', 7,
           'U0P' || lpad(g::text, 5, '0'), 'running', now() - interval '8 days',
           date_trunc('milliseconds', now()) - interval '1 minute', 'U0LEAD'
    from generate_series(1, ${count}) g`.execute(db);
  await sql`
    insert into deliveries (team_id, kind, dedupe_key, recipient_id, project_id, hypothesis_id, due_at, next_attempt_at)
    select team_id, 'checkin', 'checkin:' || id || ':0:' || (extract(epoch from due_at) * 1000)::bigint,
           owner_user_id, project_id, id, due_at, due_at
    from hypotheses where project_id = ${project.id}`.execute(db);
}

/** How many check-in DMs each owner got, from the calls the fake Slack answered ok. */
export function checkInsPerOwner(
  calls: { method: string; ok: boolean; args: Record<string, unknown> }[],
): Map<string, number> {
  const perOwner = new Map<string, number>();
  for (const c of calls) {
    if (c.method !== 'chat.postMessage' || !c.ok) continue;
    const to = c.args.channel;
    if (typeof to === 'string' && to.startsWith('U0P') && String(c.args.text).startsWith('Check-in'))
      perOwner.set(to, (perOwner.get(to) ?? 0) + 1);
  }
  return perOwner;
}
