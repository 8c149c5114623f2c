import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BOT_TOKEN, SIGNING_SECRET, TEAM, testEnv } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { checkInsPerOwner, dueOwner, seedDueCheckIns } from '../support/dueCheckIns.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import {
  buildOnce,
  logLines,
  ROOT,
  spawnLabbook,
  type LabbookProcess,
  type SpawnOpts,
} from '../support/process.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { FakeSocketMode } from '../support/socketMode.js';
import { freePort } from '../../src/net.js';
import { createDb } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';

let fake: EmbeddedSlack;
const running: LabbookProcess[] = [];
beforeAll(async () => {
  fake = await EmbeddedSlack.start({ teamId: TEAM });
  // Every test here runs what the Dockerfile runs: node dist/src/main.js.
  await buildOnce(inject('databasePrefix'));
  // The build (tsc and esbuild) can take a while on a loaded machine.
}, 180_000);
afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await fake.close();
});

/** Runs the build, `node dist/src/main.js`, as the Dockerfile and `npm start` do. */
function start(env: Record<string, string>, opts?: SpawnOpts): LabbookProcess {
  const p = spawnLabbook(env, { built: true, ...opts });
  running.push(p);
  return p;
}

async function stop(p: LabbookProcess) {
  p.child.kill('SIGTERM');
  return p.exited;
}

describe('a newcomer with no DATABASE_URL', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'labbook-data-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gets an embedded PostgreSQL after a plain npm ci, migrated and healthy, that keeps its data across restarts', async () => {
    const env = { ...testEnv(fake, ''), LABBOOK_DATA_DIR: dataDir };
    delete (env as Record<string, string | undefined>).DATABASE_URL;

    const first = start(env);
    const port = await first.ready;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const embedded = logLines(first).find((l) => l.msg === 'no DATABASE_URL set: using embedded PostgreSQL');
    expect(embedded).toMatchObject({ created: true });
    expect(logLines(first).some((l) => l.msg === 'database migrated')).toBe(true);

    // Write something through the embedded server, as the app would.
    const { password } = JSON.parse(await readFile(path.join(dataDir, 'credentials.json'), 'utf8')) as {
      password: string;
    };
    const connect = async (pgPort: unknown) => {
      const c = new pg.Client({
        host: '127.0.0.1',
        port: Number(pgPort),
        user: 'labbook',
        password,
        database: 'labbook',
      });
      await c.connect();
      return c;
    };
    const c1 = await connect(embedded!.port);
    await c1.query(
      "insert into projects (team_id, channel_id, name, lead_user_id, created_by) values ($1, 'C0KEEP', 'kept', 'U1', 'U1')",
      [TEAM],
    );
    await c1.end();
    expect(await stop(first)).toEqual({ code: 0, signal: null });

    const second = start(env);
    await second.ready;
    const again = logLines(second).find((l) => l.msg === 'no DATABASE_URL set: using embedded PostgreSQL');
    expect(again).toMatchObject({ created: false });
    expect(logLines(second).some((l) => l.msg === 'database schema is up to date')).toBe(true);
    const c2 = await connect(again!.port);
    const { rows } = await c2.query('select name from projects where channel_id = $1', ['C0KEEP']);
    await c2.end();
    expect(rows).toEqual([{ name: 'kept' }]);
    expect(await stop(second)).toEqual({ code: 0, signal: null });
  });
});

describe('three replicas starting at once on one empty database', () => {
  it('all become healthy and the schema is migrated exactly once', async () => {
    const databaseUrl = await createTestDatabase({ empty: true });
    const replicas = [0, 1, 2].map(() => start(testEnv(fake, databaseUrl)));
    const ports = await Promise.all(replicas.map((r) => r.ready));
    const health = await Promise.all(
      ports.map((p) => fetch(`http://127.0.0.1:${p}/healthz`).then((r) => r.status)),
    );
    expect(health).toEqual([200, 200, 200]);

    const migrated = replicas.filter((r) => logLines(r).some((l) => l.msg === 'database migrated'));
    expect(migrated).toHaveLength(1);
    const files = (await readdir(path.resolve('migrations'))).filter(
      (f) => f.endsWith('.ts') && f !== 'index.ts',
    );
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('select name from kysely_migration');
    await client.end();
    expect(rows.map((r) => r.name).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());

    const exits = await Promise.all(replicas.map(stop));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
  });
});

describe('bad configuration', () => {
  it('exits 1 with one message naming SLACK_SIGNING_SECRET and no stack trace', async () => {
    const p = start({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: fake.apiUrl, PORT: '0' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toContain('SLACK_SIGNING_SECRET is required in HTTP mode');
    expect(p.output()).not.toMatch(/\n\s+at /);
  });
});

describe('graceful shutdown', () => {
  it('finishes a slow request in flight when SIGTERM arrives, then exits 0', async () => {
    const databaseUrl = await createTestDatabase();
    const p = start(testEnv(fake, databaseUrl));
    const port = await p.ready;
    fake.reset();
    fake.failResponseUrl({ kind: 'slow', delayMs: 1_500 });
    const target = { url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET };
    const ack = await slashCommand(target, {
      text: 'help',
      userId: 'U0ALICE',
      teamId: TEAM,
      channelId: 'C0PROJECT',
      responseUrl: fake.responseUrl(),
    });
    expect(ack.status).toBe(200);
    // The reply is now on its way to a slow response_url; stop the bot mid-flight.
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // What the README promises (and what an orchestrator's SIGKILL at 10 s allows).
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(fake.responses).toHaveLength(1);
    expect(JSON.stringify(fake.responses[0]!.body)).toContain('/hypothesis help');
    // It waited for the slow answer rather than dropping it.
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_000);
    expect(logLines(p).some((l) => l.msg === 'stopped')).toBe(true);
    // The whole run logged at debug level, Slack calls included: no token, no secret.
    expect(p.output()).not.toContain(BOT_TOKEN);
    expect(p.output()).not.toContain(SIGNING_SECRET);
    expect(p.output()).toContain('"msg":"apiCall(\'auth.test\') start"');
  });
});

describe('Socket Mode', () => {
  it('connects with the app token through SLACK_API_URL, serves /healthz, and answers over the socket', async () => {
    const socket = await FakeSocketMode.start();
    fake.reset();
    fake.useSocketMode(socket.url);
    const port = await freePort();
    const env: Record<string, string> = {
      ...testEnv(fake, await createTestDatabase()),
      SLACK_APP_TOKEN: 'xapp-1-A0LABBOOK-1234-socketsecret',
      PORT: String(port),
    };
    delete env.SLACK_SIGNING_SECRET;
    const p = start(env);
    await p.ready;
    await socket.waitForConnection();
    // The Socket Mode client found the fake Slack (installerOptions.clientOptions) and
    // authenticated with the app-level token.
    expect(fake.okCallsTo('apps.connections.open').map((c) => c.token)).toEqual([env.SLACK_APP_TOKEN]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    const ack = await socket.send('slash_commands', {
      token: 'unused',
      team_id: TEAM,
      team_domain: 'labbook',
      channel_id: 'C0PROJECT',
      channel_name: 'ml',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/hypothesis',
      text: 'help',
      api_app_id: 'A0LABBOOK',
      is_enterprise_install: 'false',
      response_url: fake.responseUrl(),
      trigger_id: '1.2.3',
    });
    expect(ack.envelope_id).toEqual(expect.any(String));
    const [reply] = await fake.waitForResponse();
    expect(JSON.stringify(reply!.body)).toContain('/hypothesis help');

    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.output()).not.toContain('socketsecret');
    await socket.close();
  });
});

describe('stopping with the scheduler on and a sweep in flight (the built app)', () => {
  const OWNERS = 40;

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: /healthz turns 503, the DM on its way is finished, the rest handed back, exit 0',
    async (signal) => {
      const url = await createTestDatabase();
      const db = createDb(url, { max: 2 });
      await migrateToLatest(db, url, createLogger({ level: 'warn' }));
      await seedDueCheckIns(db, TEAM, OWNERS);
      for (let i = 1; i <= OWNERS; i++) fake.addUser({ id: dueOwner(i), tz: 'UTC' });
      fake.reset();
      // Slack answers slowly, so the sweep is still sending when the signal comes.
      fake.failUntil('chat.postMessage', { kind: 'slow', delayMs: 150 }, Date.now() + 60_000);
      const env = testEnv(fake, url, {
        SCHEDULER_CRON: '* * * * * *',
        SCHEDULER_LEASE_MS: '60000',
        LOG_LEVEL: 'info',
      });
      const p = start(env, { built: true });
      const port = await p.ready;
      await fake.waitFor('chat.postMessage', () => true, { count: 2, timeoutMs: 15_000 });
      // The next DM takes 3 s to answer: the signal lands while it is on its way, and the
      // 503 window lasts until it is answered.
      fake.fail('chat.postMessage', { kind: 'slow', delayMs: 3_000 });
      const before = fake.callsTo('chat.postMessage').length;
      await expect
        .poll(() => fake.callsTo('chat.postMessage').length, { timeout: 5_000 })
        .toBeGreaterThan(before);

      p.child.kill(signal);
      const signalledAt = Date.now();
      const health: number[] = [];
      for (;;) {
        const status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => undefined,
        );
        if (status === undefined) break;
        health.push(status);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(await p.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      // 503 from the signal on (a 200 may come first, before the signal is handled), never 200 again.
      expect(health).toContain(503);
      expect(health.slice(health.indexOf(503))).not.toContain(200);
      expect(logLines(p)).toContainEqual(expect.objectContaining({ msg: 'signal received', signal }));
      expect(logLines(p).at(-1)).toMatchObject({ msg: 'stopped' });

      // Each DM that went out is recorded as sent; nothing is left held by the stopped
      // replica: what it had claimed and not sent is due again now, not after its lease.
      const sentDms = checkInsPerOwner(fake.calls);
      expect([...sentDms.values()].every((n) => n === 1)).toBe(true);
      expect(sentDms.size).toBeGreaterThan(0);
      expect(sentDms.size).toBeLessThan(OWNERS);
      const rows = await db
        .selectFrom('deliveries')
        .select(['status', 'claimed_by', 'next_attempt_at'])
        .where('kind', '=', 'checkin')
        .execute();
      expect(rows.filter((r) => r.status === 'sent')).toHaveLength(sentDms.size);
      const left = rows.filter((r) => r.status === 'pending');
      expect(left).toHaveLength(OWNERS - sentDms.size);
      for (const r of left) {
        expect(r.claimed_by).toBeNull();
        expect(r.next_attempt_at.getTime()).toBeLessThanOrEqual(Date.now());
      }

      // A replica started afterwards sends the rest at once: each owner asked exactly once.
      fake.reset();
      const next = start(env, { built: true });
      await next.ready;
      await fake.waitFor('chat.postMessage', () => true, { count: OWNERS - sentDms.size, timeoutMs: 20_000 });
      next.child.kill('SIGTERM');
      expect((await next.exited).code).toBe(0);
      const total = new Map(sentDms);
      for (const [o, n] of checkInsPerOwner(fake.calls)) total.set(o, (total.get(o) ?? 0) + n);
      expect(total.size).toBe(OWNERS);
      expect([...total.values()].every((n) => n === 1)).toBe(true);
      await db.destroy();
    },
    60_000,
  );
});

describe('.env', () => {
  it('is read from the working directory, and real environment variables win over it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'labbook-env-'));
    const url = await createTestDatabase();
    // The .env port stays taken for the whole test: were it only free, PORT=0 could be given
    // that very port by the system, and the check below would fail for no fault of Labbook's.
    const held = net.createServer();
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
    const dotEnvPort = (held.address() as net.AddressInfo).port;
    // The signing secret and Slack URL come only from .env; PORT and LOG_LEVEL from both.
    await writeFile(
      path.join(dir, '.env'),
      [
        `SLACK_BOT_TOKEN=${BOT_TOKEN}`,
        `SLACK_SIGNING_SECRET=${SIGNING_SECRET}`,
        `SLACK_API_URL=${fake.apiUrl}`,
        `DATABASE_URL=${url}`,
        `PORT=${dotEnvPort}`,
        'LOG_LEVEL=error',
        'SCHEDULER_CRON=off',
      ].join('\n'),
    );
    fake.reset();
    const p = start({ PORT: '0', LOG_LEVEL: 'info' }, { built: true, cwd: dir });
    // Listening is logged at info: LOG_LEVEL=error from .env would have hidden it.
    const port = await p.ready;
    expect(port).not.toBe(dotEnvPort);
    const ack = await slashCommand(
      { url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET },
      {
        text: 'help',
        userId: 'U0ALICE',
        teamId: TEAM,
        channelId: 'C0PROJECT',
        responseUrl: fake.responseUrl(),
      },
    );
    expect(ack.status).toBe(200);
    const [reply] = await fake.waitForResponse();
    expect(JSON.stringify(reply!.body)).toContain('/hypothesis help');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
    await new Promise((r) => held.close(r));
    await rm(dir, { recursive: true, force: true });
  });
});

describe('npm run migrate', () => {
  it('brings an empty database to the latest schema, is a no-op the second time, and the app then finds it up to date', async () => {
    const url = await createTestDatabase({ empty: true });
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: url };
    const first = await runNpm(['run', 'migrate'], env);
    expect(first.code).toBe(0);
    expect(first.out).toContain('"msg":"database migrated"');
    const files = (await readdir(path.join(ROOT, 'migrations'))).filter(
      (f) => f.endsWith('.ts') && f !== 'index.ts',
    );
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('select name from kysely_migration');
    await client.end();
    expect(rows.map((r) => r.name).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());

    const second = await runNpm(['run', 'migrate'], env);
    expect(second.code).toBe(0);
    expect(second.out).toContain('"msg":"database schema is up to date"');

    const p = start(testEnv(fake, url, { LOG_LEVEL: 'info' }), { built: true });
    await p.ready;
    expect(logLines(p).some((l) => l.msg === 'database schema is up to date')).toBe(true);
    expect(logLines(p).some((l) => l.msg === 'database migrated')).toBe(false);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });
});

function runNpm(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('a signal during start-up', () => {
  it('is honoured once Labbook is up: a graceful stop and exit 0, not death by signal', async () => {
    const url = await createTestDatabase();
    fake.reset();
    // auth.test answers slowly, so the signal arrives while Labbook is still starting.
    fake.fail('auth.test', { kind: 'slow', delayMs: 1_000 });
    const p = start(testEnv(fake, url, { LOG_LEVEL: 'info' }), { built: true });
    const deadline = Date.now() + 20_000;
    while (fake.callsTo('auth.test').length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    p.child.kill('SIGTERM');
    const signalledAt = Date.now();
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(logLines(p).at(-1)).toMatchObject({ msg: 'stopped' });
  });
});
