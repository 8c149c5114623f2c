import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActResult, ModalStack, SubmitResult, Workspace } from '../../src/sandbox/api.js';
import { startSandboxUnderTest, until, type SandboxUnderTest } from '../support/sandboxApi.js';

/**
 * The sandbox API driven over HTTP as the page drives it: what each person would see, and
 * what Labbook's database holds. The app behind it is the real one, on its real receiver,
 * against the embedded Slack.
 */
let t: SandboxUnderTest;

beforeAll(async () => {
  t = await startSandboxUnderTest();
});

afterAll(async () => {
  await t?.stop();
});

const get = <T>(p: string) => t.get<T>(p);
const post = <T>(p: string, body: unknown) => t.post<T>(p, body);
const conversation = (channel: string, as: string) => t.conversation(channel, as);
const projectNames = async () =>
  (await t.query<{ name: string }>('select name from projects order by id')).map((r) => r.name);

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
    // The app's clock is the machine's, moved on by whatever a test before asked for.
    expect(Math.abs(Date.parse(body.clock.now) - body.clock.offsetMs - Date.now())).toBeLessThan(60_000);
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
    const res = await fetch(`http://127.0.0.1:${t.sandbox.port}/sandbox/api/events`, {
      signal: controller.signal,
    });
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
    await t.restart();
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
