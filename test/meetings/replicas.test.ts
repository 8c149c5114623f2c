import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { createDb } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { callMeeting } from '../../src/rituals/meetings/meetings.js';
import { TEAM, testEnv } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { makeProject } from '../support/factories.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { buildOnce, spawnLabbook, type LabbookProcess } from '../support/process.js';

// Real processes, as in test/checkins/replicas.test.ts: three Labbooks on one database,
// each with its own scheduler ticking every second on the real clock.
const PARTICIPANTS = 300;
let fake: EmbeddedSlack;
const running: LabbookProcess[] = [];
const person = (i: number) => `U0M${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
  for (let i = 1; i <= PARTICIPANTS; i++) fake.addUser({ id: person(i), tz: 'UTC' });
  // The built app, as the Dockerfile runs it: three replicas through tsx would each
  // transpile the whole app on start.
  await buildOnce(inject('databasePrefix'));
}, 180_000);
afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await fake.close();
});

describe('three replicas sharing one database', () => {
  it('send each participant of a meeting exactly one invitation', async () => {
    const url = await createTestDatabase();
    const db = createDb(url, { max: 2 });
    const logger = createLogger({ level: 'warn' });
    await migrateToLatest(db, url, logger);
    const project = await makeProject(db, { teamId: TEAM, channelId: 'C0REPLICAS', lead: 'U0LEAD' });
    // Any hour is working time, so the child processes' real clock never defers an invitation.
    await db
      .updateTable('workspaces')
      .set({ working_hours_start: 0, working_hours_end: 24, working_days: [1, 2, 3, 4, 5, 6, 7] })
      .execute();
    const now = Date.now();
    await callMeeting(
      { db, clock: systemClock, logger },
      {
        project,
        actor: 'U0LEAD',
        form: {
          question: 'Which model do we try next?',
          scheduledAt: new Date(now + 3 * 86_400_000),
          participants: Array.from({ length: PARTICIPANTS }, (_, i) => person(i + 1)),
          deadline: null,
          metric: 'recall@10',
        },
        scheduledAt: new Date(now + 3 * 86_400_000),
        deadline: new Date(now + 2 * 86_400_000),
      },
    );
    const replicas = [1, 2, 3].map(() => {
      const p = spawnLabbook(
        testEnv(fake, url, { SCHEDULER_CRON: '* * * * * *', SCHEDULER_LEASE_MS: '3000', LOG_LEVEL: 'info' }),
        { built: true },
      );
      running.push(p);
      return p;
    });
    await Promise.all(replicas.map((r) => r.ready));
    const invitations = () => {
      const per = new Map<string, number>();
      for (const c of fake.okCallsTo('chat.postMessage')) {
        if (String(c.args.channel).startsWith('U0M') && String(c.args.text).startsWith('Decision meeting')) {
          per.set(String(c.args.channel), (per.get(String(c.args.channel)) ?? 0) + 1);
        }
      }
      return per;
    };
    const deadline = Date.now() + 60_000;
    while (invitations().size < PARTICIPANTS) {
      if (Date.now() > deadline) throw new Error(`only ${invitations().size} of ${PARTICIPANTS} invited`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A few more sweeps for any would-be duplicate to show itself.
    await new Promise((r) => setTimeout(r, 2_500));
    const counts = [...invitations().values()];
    expect(counts).toHaveLength(PARTICIPANTS);
    expect(counts.every((n) => n === 1)).toBe(true);
    const workers = await db
      .selectFrom('deliveries')
      .select('claimed_by')
      .where('kind', '=', 'meeting_invite')
      .distinct()
      .execute();
    expect(workers.length).toBeGreaterThan(1);
    for (const r of replicas) r.child.kill('SIGTERM');
    expect((await Promise.all(replicas.map((r) => r.exited))).map((e) => e.code)).toEqual([0, 0, 0]);
    await db.destroy();
  }, 120_000);
});
