/**
 * Memory for `npm run bench`: the resident set of the built app (`node dist/src/main.js`,
 * as the Dockerfile runs it) once it has been idle a few seconds after start-up, and again
 * after it has posted one full weekly digest (which draws the chart: Vega, Vega-Lite and
 * resvg, loaded only then). Measured the same way every run: RSS from the kernel, the
 * median of five readings 200 ms apart.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDb } from '../src/db/index.js';
import { EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { slashCommand } from '../src/sandbox/slack/requests.js';
import { SIGNING_SECRET, TEAM, testEnv } from '../test/support/app.js';
import { makeProject } from '../test/support/factories.js';
import { ROOT, spawnLabbook } from '../test/support/process.js';

const IDLE_GOAL_MB = 110;
const SETTLE_MS = 5_000;

export async function memoryBenchmark(databaseUrl: string): Promise<void> {
  await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT });
  const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
  fake.addUser({ id: 'U0LEAD', tz: 'UTC' });
  const db = createDb(databaseUrl, { max: 2 });
  const app = spawnLabbook(testEnv(fake, databaseUrl, { LOG_LEVEL: 'info' }), { built: true });
  try {
    const port = await app.ready;
    await sleep(SETTLE_MS);
    const idle = await rssMb(app.child.pid!);

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
    await sleep(SETTLE_MS);
    const afterDigest = await rssMb(app.child.pid!);

    console.log('\n## Memory of the built app (RSS, median of 5 readings)\n');
    console.log('| moment | RSS |');
    console.log('|---|---|');
    console.log(`| idle, ${SETTLE_MS / 1000} s after start-up | ${idle.toFixed(1)} MB |`);
    console.log(`| after posting one digest with its chart | ${afterDigest.toFixed(1)} MB |`);
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

/** Resident set size in MB (10^6 bytes) from /proc, the median of five readings. */
async function rssMb(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    readings.push((kb * 1024) / 1e6);
    await sleep(200);
  }
  readings.sort((a, b) => a - b);
  return readings[2]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
