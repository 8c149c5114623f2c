import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { ActResult, Conversation, ModalStack, SubmitResult, Workspace } from '../../src/sandbox/api.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { createTestDatabase } from '../support/db.js';

/**
 * The sandbox API driven over HTTP as the page drives it: what each person would see, and
 * what Labbook's database holds. The app behind it is the real one, on its real receiver,
 * against the embedded Slack.
 */
let sandbox: Sandbox;
let base: string;
let dataDir: string;
let databaseUrl: string;
const logs: string[] = [];

async function start(): Promise<void> {
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  sandbox = await startSandbox({ port: 0, databaseUrl, dataDir, logLevel: 'debug' }, logger);
  base = `http://127.0.0.1:${sandbox.port}/sandbox/api/`;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'labbook-sandbox-'));
  databaseUrl = await createTestDatabase();
  await start();
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function get<T>(p: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${p}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function post<T>(p: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const conversation = async (channel: string, as: string) =>
  (await get<Conversation>(`conversations/${channel}?as=${as}`)).body.messages;

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function projectNames(): Promise<string[]> {
  const client = new pg.Client({ connectionString: sandboxUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('select name from projects order by id');
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

function sandboxUrl(): string {
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname}_sandbox`;
  return url.toString();
}

async function openProjectModal(as: string): Promise<ModalStack['views'][number]> {
  const sent = await post<ActResult>('composer', { as, channel: 'C0RANKING', text: '/hypothesis project' });
  expect(sent.body).toEqual({ ok: true });
  return until(async () => {
    const stack = (await get<ModalStack>(`modal?as=${as}`)).body;
    return stack.views.find((v) => v.view.callback_id === 'project.new');
  }, 'the project modal');
}

describe('the sandbox API', () => {
  it('describes the seeded workspace: people in their zones, channels with and without the bot, the clock', async () => {
    const { status, body } = await get<Workspace>('workspace');
    expect(status).toBe(200);
    expect(body.team).toEqual({ id: 'T0SANDBOX', name: 'Sandbox Lab' });
    expect(body.people.map((p) => [p.id, p.tz])).toEqual([
      ['U0ADA', 'Europe/London'],
      ['U0GRACE', 'America/New_York'],
      ['U0KENJI', 'Asia/Tokyo'],
      ['U0PRIYA', 'Asia/Kolkata'],
    ]);
    expect(body.channels.filter((c) => c.kind === 'channel')).toEqual([
      expect.objectContaining({ id: 'C0RANKING', name: 'ml-ranking', botIsMember: true }),
      expect.objectContaining({ id: 'C0RANDOM', name: 'random', botIsMember: false }),
    ]);
    expect(body.channels.find((c) => c.id === 'DU0GRACE')).toMatchObject({ kind: 'dm', user: 'U0GRACE' });
    expect(body.slashCommands.map((c) => c.command)).toEqual(['/hypothesis']);
    expect(body.messageShortcuts).toEqual([{ callbackId: 'log.add_message', name: 'Add to experiment log' }]);
    expect(Math.abs(Date.parse(body.clock.now) - Date.now())).toBeLessThan(60_000);
  });

  it('shows a command’s answer only to the person who typed it', async () => {
    await post('composer', { as: 'U0ADA', channel: 'C0RANKING', text: '/hypothesis help' });
    const seen = await until(async () => {
      const messages = await conversation('C0RANKING', 'U0ADA');
      return messages.find((m) => m.kind === 'ephemeral' && m.text.includes('/hypothesis'));
    }, "Ada's help");
    expect(seen.user).toBe('U0LABBOOK');
    expect(JSON.stringify(seen.blocks)).toContain('/hypothesis new');
    expect((await conversation('C0RANKING', 'U0GRACE')).some((m) => m.ts === seen.ts)).toBe(false);
  });

  it('answers an unknown slash command as Slack does, to that person only', async () => {
    const { body } = await post<ActResult>('composer', {
      as: 'U0KENJI',
      channel: 'C0RANKING',
      text: '/nope x',
    });
    expect(body.notice).toMatch(/^\/nope is not a valid command/);
    const kenji = await conversation('C0RANKING', 'U0KENJI');
    expect(kenji.filter((m) => m.kind === 'notice').map((m) => m.text)).toEqual([body.notice]);
    expect((await conversation('C0RANKING', 'U0ADA')).some((m) => m.kind === 'notice')).toBe(false);
  });

  it('opens a modal for the person who asked, refuses what Slack would not submit, and creates the project', async () => {
    const modal = await openProjectModal('U0ADA');
    expect((await get<ModalStack>('modal?as=U0GRACE')).body.views).toEqual([]);

    const empty = await post<{ error: string; message: string; blockId: string }>(
      `views/${modal.view.id}/submit`,
      { as: 'U0ADA', values: { name: '' } },
    );
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: 'cannot_submit', blockId: 'name' });
    expect(await projectNames()).toEqual([]);

    const done = await post<SubmitResult>(`views/${modal.view.id}/submit`, {
      as: 'U0ADA',
      values: { name: 'Ranking v2', leadUserId: 'U0ADA', memberIds: ['U0GRACE'], problem: 'Better ranking' },
    });
    expect(done.body).toMatchObject({ ok: true, outcome: 'closed' });
    expect((await get<ModalStack>('modal?as=U0ADA')).body.views).toEqual([]);
    const announced = await until(async () => {
      const messages = await conversation('C0RANKING', 'U0GRACE');
      return messages.find((m) => m.kind === 'message' && m.text.includes('Ranking v2'));
    }, 'the project announcement');
    expect(announced.botId).toBeDefined();
    expect(await projectNames()).toEqual(['Ranking v2']);
  });

  it('keeps a person’s message in the channel and lets nobody else read a DM', async () => {
    const sent = await post<ActResult>('composer', {
      as: 'U0GRACE',
      channel: 'C0RANKING',
      text: 'morning all',
    });
    expect(sent.body.ok).toBe(true);
    const seen = await conversation('C0RANKING', 'U0PRIYA');
    expect(seen.filter((m) => m.user === 'U0GRACE').map((m) => m.text)).toEqual(['morning all']);
    expect((await get('conversations/DU0ADA?as=U0GRACE')).status).toBe(404);
    expect((await get('conversations/DU0ADA?as=U0ADA')).status).toBe(200);
  });

  it('streams what changed as Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    await post('composer', { as: 'U0KENJI', channel: 'C0RANKING', text: 'sse please' });
    const deadline = Date.now() + 5000;
    while (!text.includes('event: message.new') && Date.now() < deadline) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/event: message\.new\ndata: \{"channel":"C0RANKING","ts":"\d+\.\d+"\}/);
  });

  it('moves the app’s clock forward, never the machine’s', async () => {
    const before = (await get<Workspace>('workspace')).body.clock;
    const { body } = await post<{ now: string; offsetMs: number }>('clock', { advance: 'P1D' });
    expect(body.offsetMs - before.offsetMs).toBe(86_400_000);
    expect(Date.parse(body.now) - Date.now()).toBeGreaterThan(86_400_000 - 60_000);
    expect((await post('clock', { advance: 'P2D' })).status).toBe(400);
  });

  it('refuses a request the page could not have made, with the reason', async () => {
    const { status, body } = await post<{ error: string; message: string }>('composer', {
      as: 'U0ADA',
      channel: 'C0RANKING',
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('text') });
    expect((await post('composer', { as: 'U0NOBODY', channel: 'C0RANKING', text: 'hi' })).status).toBe(400);
  });

  it('shows the same conversation after a restart', async () => {
    const before = await conversation('C0RANKING', 'U0ADA');
    const offset = (await get<Workspace>('workspace')).body.clock.offsetMs;
    await sandbox.stop();
    await start();
    expect(await conversation('C0RANKING', 'U0ADA')).toEqual(before);
    expect((await get<Workspace>('workspace')).body.clock.offsetMs).toBe(offset);
  });

  it('resets to an empty workspace: no messages, no projects, the clock back to now', async () => {
    const { body } = await post('reset', {});
    expect(body).toEqual({ ok: true });
    expect(await conversation('C0RANKING', 'U0ADA')).toEqual([]);
    expect(await projectNames()).toEqual([]);
    expect((await get<Workspace>('workspace')).body.clock.offsetMs).toBe(0);
  });
});
