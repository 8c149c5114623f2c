import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { command, concluded, digestDeliveries, postsIn, textOf } from './support.js';

describe('the team-wide digest', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
    t.clock.set('2026-11-25T10:00:00Z');
  });
  afterEach(() => t?.stop());

  it('`digest weekly …` in a channel with no project sends it one digest across all projects, quiet ones in one line', async () => {
    const db = t.labbook.db;
    t.fake.addUser({ id: 'U0ADMIN', tz: 'Europe/Berlin', isAdmin: true });
    t.fake.addUser({ id: 'U0SOMEONE', tz: 'UTC' });
    t.fake.addUser({ id: 'U0LEAD', tz: 'UTC' });
    const busy = await makeProject(db, { teamId: TEAM, channelId: 'C0BUSY', name: 'Search ranking' });
    const quiet = await makeProject(db, { teamId: TEAM, channelId: 'C0QUIET', name: 'Fraud model' });
    await makeProject(db, { teamId: TEAM, channelId: 'C0IDLE', name: 'Churn' });
    await concluded(db, busy, {
      status: 'disproven',
      startedAt: '2026-11-16T10:00:00Z',
      concludedAt: '2026-11-24T10:00:00Z',
      learnings: 'No gain from focal loss',
    });
    await makeHypothesis(db, quiet, { dueAt: new Date('2026-12-01T10:00:00Z') });

    const refused = await command(t, 'digest weekly fri 16:00', 'U0SOMEONE', 'C0TEAM');
    expect(refused.text).toBe(
      'Only a workspace admin can set up a team-wide digest in a channel with no project.',
    );
    const set = await command(t, 'digest weekly fri 16:00', 'U0ADMIN', 'C0TEAM');
    expect(set.text).toBe(
      'The team-wide digest of all projects now goes out here every Friday at 16:00 (Europe/Berlin). Next: Fri 27 Nov 2026, 16:00.',
    );
    await t.labbook.scheduler.sweep();
    t.clock.set('2026-11-27T15:00:00Z');
    await t.labbook.scheduler.sweep();
    await t.labbook.scheduler.sweep();
    const posts = postsIn(t, 'C0TEAM');
    expect(posts).toHaveLength(1);
    const text = textOf(posts[0]!);
    expect(text).toContain('Weekly digest · all projects');
    expect(text).toContain('*Search ranking* (<#C0BUSY>)');
    expect(text).toContain('Knowledge gained: H1 (1 dead end ruled out so far)');
    expect(text).toContain(':zzz: *Quiet this week* (2): Churn, Fraud model');
    expect(t.fake.violations).toEqual([]);
    expect((await digestDeliveries(db, 'C0TEAM')).map((d) => d.status)).toEqual(['sent', 'pending']);
  });
});

describe('one digest per project and week', () => {
  const replicas: TestApp[] = [];
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.stop();
  });

  // Honest scope: three complete Labbook instances in this process (each its own HTTP
  // server, pool and scheduler worker id) on one PostgreSQL database, sweeping at once;
  // the separate-process kill test for check-ins is test/checkins/replicas.test.ts.
  it('three replicas sweeping at once and a restart send each project’s digest once', async () => {
    const fake = await EmbeddedSlack.start({ teamId: TEAM, rateLimits: 'off' });
    const clock = new ManualClock('2026-11-25T10:00:00Z');
    const databaseUrl = await createTestDatabase();
    try {
      for (let i = 0; i < 3; i++) replicas.push(await startTestApp({ fake, clock, databaseUrl }));
      const db = replicas[0]!.labbook.db;
      const channels: string[] = [];
      for (let i = 1; i <= 20; i++) {
        const lead = `U0LEAD${i}`;
        fake.addUser({ id: lead, tz: i % 2 ? 'Europe/Berlin' : 'America/New_York' });
        const p = await makeProject(db, { teamId: TEAM, channelId: `C0P${i}`, lead, name: `Project ${i}` });
        await concluded(db, p, {
          status: 'validated',
          startedAt: '2026-11-16T10:00:00Z',
          concludedAt: '2026-11-24T10:00:00Z',
        });
        channels.push(p.channel_id);
      }
      const sweepAll = () => Promise.all(replicas.map((r) => r.labbook.scheduler.sweep()));
      await sweepAll();
      clock.set('2026-11-26T10:00:00Z');
      await sweepAll();
      clock.set('2026-11-27T21:00:00Z'); // after 16:00 in Berlin and in New York
      await sweepAll();
      await sweepAll();
      // A replica restarts, and the others keep sweeping.
      await replicas.shift()!.stop();
      replicas.push(await startTestApp({ fake, clock, databaseUrl }));
      await sweepAll();
      clock.set('2026-11-29T12:00:00Z');
      await sweepAll();
      const perChannel = channels.map(
        (c) =>
          fake.okCallsTo('chat.postMessage').filter((m) => m.args.channel === c && !m.args.thread_ts).length,
      );
      expect(perChannel).toEqual(channels.map(() => 1));
      const sent = await replicas[0]!.labbook.db
        .selectFrom('deliveries')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('kind', '=', 'digest')
        .where('status', '=', 'sent')
        .executeTakeFirstOrThrow();
      expect(Number(sent.n)).toBe(20);
    } finally {
      for (const r of replicas.splice(0)) await r.stop();
      await fake.close();
    }
  });
});
