import { sql } from 'kysely';
import type { Db } from '../../src/db/index.js';
import type { Hypothesis, Outcome, Project } from '../../src/db/schema/index.js';
import type { TestApp } from '../support/app.js';
import { TEAM } from '../support/app.js';
import { makeHypothesis } from '../support/factories.js';
import type { RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';

/** A hypothesis that ran from `startedAt` and came out `status` at `concludedAt`, as the check-in records it. */
export async function concluded(
  db: Db,
  project: Project,
  o: {
    status: Outcome | 'abandoned';
    startedAt: string;
    concludedAt: string;
    timeboxDays?: number;
    statement?: string;
    result?: string;
    learnings?: string;
    extensions?: number;
    owner?: string;
  },
): Promise<Hypothesis> {
  const h = await makeHypothesis(db, project, {
    startedAt: new Date(o.startedAt),
    timeboxDays: o.timeboxDays ?? 7,
    ...(o.statement ? { statement: o.statement } : {}),
    ...(o.owner ? { ownerUserId: o.owner } : {}),
  });
  return db
    .updateTable('hypotheses')
    .set({
      status: o.status,
      concluded_at: new Date(o.concludedAt),
      concluded_by: h.owner_user_id,
      result: o.result ?? null,
      learnings: o.learnings ?? null,
      extension_count: o.extensions ?? 0,
      // An extended one was extended to run until it was answered, as extensions do.
      ...(o.extensions ? { due_at: new Date(o.concludedAt) } : {}),
    })
    .where('id', '=', h.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function command(t: TestApp, text: string, userId: string, channelId: string) {
  const responseUrl = t.fake.responseUrl();
  await slashCommand(t.target, { text, userId, teamId: TEAM, channelId, responseUrl });
  return (await t.fake.answerTo(responseUrl)).body as { text: string; blocks?: unknown[] };
}

export const postsIn = (t: TestApp, channel: string): RecordedCall[] =>
  t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === channel && !c.args.thread_ts);

export const textOf = (c: RecordedCall | { body: unknown }) => JSON.stringify('args' in c ? c.args : c.body);

export async function digestDeliveries(db: Db, channel: string) {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('kind', '=', 'digest')
    .where('recipient_id', '=', channel)
    .orderBy('id')
    .execute();
}

/** Log entries straight into the table, as years of use would leave them. */
export async function bulkLog(db: Db, project: Project, n: number, at: string): Promise<void> {
  await sql`
    insert into experiment_log_entries (team_id, project_id, kind, author_user_id, text, created_at)
    select ${TEAM}, ${project.id}, case when g % 20 = 0 then 'decision' else 'note' end, 'U0LEAD',
           'Entry ' || g || ': tried a variant of the pipeline and wrote down what happened', ${at}::timestamptz - (g || ' minutes')::interval
    from generate_series(1, ${n}) g`.execute(db);
}
