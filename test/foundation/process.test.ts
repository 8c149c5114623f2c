import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, SIGNING_SECRET, TEAM, testEnv } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { spawnLabbook, type LabbookProcess } from '../support/process.js';
import { slashCommand } from '../support/slackRequests.js';
import { FakeSocketMode } from '../support/socketMode.js';
import { freePort } from '../../src/net.js';

let fake: FakeSlack;
const running: LabbookProcess[] = [];
beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: TEAM });
});
afterAll(async () => {
  for (const p of running) p.child.kill('SIGKILL');
  await fake.close();
});

function start(env: Record<string, string>): LabbookProcess {
  const p = spawnLabbook(env);
  running.push(p);
  return p;
}

async function stop(p: LabbookProcess) {
  p.child.kill('SIGTERM');
  return p.exited;
}

const logLines = (p: LabbookProcess) =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

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
    const databaseUrl = await createTestDatabase();
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
