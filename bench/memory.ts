/**
 * Memory for `npm run bench`: the resident set of the built app (`node dist/src/main.js`,
 * as the Dockerfile runs it, with its scheduler sweeping as in a deployment), read from the
 * kernel once a second: just after start-up, once idle, and again after it has posted one
 * full weekly digest (which draws the chart: Vega, Vega-Lite and resvg, loaded only then).
 *
 * "Idle" is read after V8 has had its chance to give memory back: start-up leaves the young
 * generation at its largest, and V8's memory reducer returns it some seconds after the
 * allocation rate drops (8–24 s in on this machine). A reading before that measures
 * start-up's garbage, not what an idle Labbook holds; both are printed.
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { createDb } from '../src/db/index.js';
import { EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { slashCommand } from '../src/sandbox/slack/requests.js';
import { SIGNING_SECRET, TEAM, testEnv } from '../test/support/app.js';
import { makeProject } from '../test/support/factories.js';
import { spawnLabbook } from '../test/support/process.js';

const IDLE_GOAL_MB = 110;
const JUST_STARTED_S = 5;
// Seconds of readings; the last five are the settled figure. V8 gave start-up's memory back
// anywhere from 8 to 24 s in on this machine, so the figure is read well after that.
const WATCH_S = 45;

export async function memoryBenchmark(databaseUrl: string): Promise<void> {
  const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
  fake.addUser({ id: 'U0LEAD', tz: 'UTC' });
  const db = createDb(databaseUrl, { max: 2 });
  const app = spawnLabbook(
    // The scheduler sweeps every minute, as deployed (the test environment turns it off).
    testEnv(fake, databaseUrl, { LOG_LEVEL: 'info', SCHEDULER_CRON: '* * * * *' }),
    { built: true },
  );
  try {
    const port = await app.ready;
    const startUp = await watchRss(app.child.pid!);

    const project = await makeProject(db, { teamId: TEAM, channelId: 'C0MEMORY', lead: 'U0LEAD' });
    await concludedThisQuarter(db, project.id);
    await slashCommand(
      { url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET },
      {
        text: 'digest post',
        userId: 'U0LEAD',
        teamId: TEAM,
        channelId: 'C0MEMORY',
        responseUrl: fake.responseUrl(),
      },
    );
    await fake.waitFor('files.completeUploadExternal', (c) => c.ok, { timeoutMs: 30_000 });
    const afterDigest = await watchRss(app.child.pid!);

    const idle = settled(startUp);
    console.log('\n## Memory of the built app (RSS)\n');
    console.log('| moment | RSS |');
    console.log('|---|---|');
    console.log(`| ${JUST_STARTED_S} s after start-up | ${mb(startUp[JUST_STARTED_S - 1]!)} |`);
    console.log(`| idle (median of the readings ${WATCH_S - 4}–${WATCH_S} s after start-up) | ${mb(idle)} |`);
    console.log(
      `| ${JUST_STARTED_S} s after posting one digest with its chart | ${mb(afterDigest[JUST_STARTED_S - 1]!)} |`,
    );
    console.log(
      `| idle after the digest (${WATCH_S - 4}–${WATCH_S} s after it) | ${mb(settled(afterDigest))} |`,
    );
    console.log(`\nRSS each second after start-up: ${startUp.map((r) => r.toFixed(0)).join(' ')} MB`);
    console.log(`\nIdle goal ≤ ${IDLE_GOAL_MB} MB: ${idle <= IDLE_GOAL_MB ? 'met' : 'NOT MET'}`);
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
    await db.destroy();
    await fake.close();
  }
}

/** A dozen hypotheses concluded over recent weeks, so the digest is a full one, with its chart. */
async function concludedThisQuarter(db: ReturnType<typeof createDb>, projectId: number): Promise<void> {
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days, owner_user_id,
                            status, started_at, due_at, concluded_at, result, learnings, created_by)
    select ${TEAM}, ${projectId}, g, 'H' || g || ' improves recall', '+1%', 7, 'U0LEAD',
           (array['validated','disproven','inconclusive','abandoned'])[g % 4 + 1],
           now() - (g * 7 + 7 || ' days')::interval, now() - (g * 7 || ' days')::interval,
           now() - ((g - 1) * 6 || ' days')::interval - interval '1 minute', 'recall +0.' || g || '%', 'learned ' || g, 'U0LEAD'
    from generate_series(1, 12) g`.execute(db);
}

/** Resident set size in MB (10^6 bytes) from /proc, once a second for WATCH_S seconds. */
async function watchRss(pid: number): Promise<number[]> {
  const readings: number[] = [];
  for (let i = 0; i < WATCH_S; i++) {
    await sleep(1_000);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    readings.push((kb * 1024) / 1e6);
  }
  return readings;
}

/** The median of the last five readings. */
function settled(readings: number[]): number {
  return [...readings.slice(-5)].sort((a, b) => a - b)[2]!;
}

const mb = (n: number) => `${n.toFixed(1)} MB`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
