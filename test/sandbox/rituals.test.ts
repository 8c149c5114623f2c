import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActResult, ClockState, SubmitResult, Workspace } from '../../src/sandbox/api.js';
import { startSandboxUnderTest, until, type SandboxUnderTest } from '../support/sandboxApi.js';

/**
 * The rituals through the sandbox: the clock moved from the page brings a check-in to its
 * owner and the weekly digest to the channel; a button press opens a modal for the person
 * who pressed; and when the app misbehaves the person reads what Slack would say.
 */
let t: SandboxUnderTest;

beforeAll(async () => {
  t = await startSandboxUnderTest();
});

afterAll(async () => {
  await t?.stop();
});

// Each test starts from an empty workspace, as the page's Reset leaves it.
beforeEach(async () => {
  expect((await t.post('reset', {})).body).toEqual({ ok: true });
});

async function submitModal(as: string, callbackId: string, values: Record<string, unknown>): Promise<void> {
  const modal = await until(
    async () => (await t.modals(as)).find((m) => m.view.callback_id === callbackId),
    `the ${callbackId} modal`,
  );
  const { body } = await t.post<SubmitResult>(`views/${modal.view.id}/submit`, { as, values });
  expect(body).toMatchObject({ ok: true, outcome: 'closed' });
}

/** Ada plans Ranking v2 in #ml-ranking, with Grace's one-day hypothesis, through the forms Labbook sent. */
async function planRanking(): Promise<void> {
  await t.post('composer', { as: 'U0ADA', channel: 'C0RANKING', text: '/hypothesis project' });
  await submitModal('U0ADA', 'project.new', {
    name: 'Ranking v2',
    leadUserId: 'U0ADA',
    memberIds: ['U0GRACE'],
    problem: 'Better ranking',
  });
  await t.post('composer', { as: 'U0ADA', channel: 'C0RANKING', text: '/hypothesis new' });
  await submitModal('U0ADA', 'hypothesis.new', {
    statement: 'BM25 beats TF-IDF',
    metric: 'nDCG@10',
    baselineNone: ['none'],
    successCriteria: 'nDCG@10 +2 points',
    timeboxDays: 1,
    ownerUserId: 'U0GRACE',
    startNow: 'now',
  });
  expect(await t.query('select statement from hypotheses')).toEqual([{ statement: 'BM25 beats TF-IDF' }]);
}

describe('the rituals in the sandbox', () => {
  it(
    'brings a check-in to its owner only when the clock moves, and her answer opens her modal',
    { timeout: 120_000 },
    async () => {
      await planRanking();

      const checkIn = async () =>
        (await t.conversation('DU0GRACE', 'U0GRACE')).find((m) => m.text.startsWith('Check-in'));
      expect(await checkIn()).toBeUndefined();
      // +1 day, then an hour at a time until it falls in Grace's working hours (New York; a
      // weekend waits for Monday), as a person on the page would press.
      await t.post('clock', { advance: 'P1D' });
      for (let hour = 0; hour < 24 * 4 && !(await checkIn()); hour++)
        await t.post('clock', { advance: 'PT1H' });
      const message = await until(checkIn, "Grace's check-in");
      expect((await t.get(`conversations/DU0GRACE?as=U0ADA`)).status).toBe(404);

      const pressed = await t.post<ActResult>('actions', {
        as: 'U0GRACE',
        container: { channel: 'DU0GRACE', ts: message.ts },
        actionId: 'checkin.outcome.disproven',
        blockId: 'checkin_answers',
      });
      expect(pressed.body).toEqual({ ok: true });
      const modal = await until(
        async () => (await t.modals('U0GRACE')).find((m) => m.view.callback_id === 'checkin.outcome'),
        "Grace's answer modal",
      );
      expect(await t.modals('U0ADA')).toEqual([]);
      const closed = await t.post<ActResult>(`views/${modal.view.id}/close`, { as: 'U0GRACE' });
      expect(closed.body.ok).toBe(true);
      expect(await t.modals('U0GRACE')).toEqual([]);
    },
  );

  it('moves to the next digest and the channel gets it', async () => {
    await planRanking();
    // An hour on, as a person moves the clock from the page: Labbook sweeps, and the sweep
    // schedules the new project's first digest.
    expect((await t.post('clock', { advance: 'PT1H' })).status).toBe(200);
    const workspace = (await t.get<Workspace>('workspace')).body;
    expect(workspace.nextDigestAt).not.toBeNull();
    const moved = await t.post<ClockState>('clock', { to: 'next-digest' });
    expect(Date.parse(moved.body.now)).toBeGreaterThanOrEqual(Date.parse(workspace.nextDigestAt!));
    const digest = await until(async () => {
      const messages = await t.conversation('C0RANKING', 'U0KENJI');
      return messages.find((m) => m.botId && m.text.includes('Ranking v2') && m.text.includes('week'));
    }, 'the weekly digest');
    expect(digest.kind).toBe('message');
  });

  it('shows what Slack refused where the message would have gone, with Slack’s reasons', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `row ${i}` },
    }));
    const post = () =>
      fetch(`${t.sandbox.slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.sandbox.slack.botToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'C0RANKING', text: 'too long', blocks }),
      });
    // The sandbox keeps Slack's rate limits: the digest just posted here, so wait as a client would.
    let res = await post();
    while (res.status === 429) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
      res = await post();
    }
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    const refused = (await t.conversation('C0RANKING', 'U0GRACE')).filter((m) => m.kind === 'refused');
    expect(refused.map((m) => m.refusal)).toEqual([
      {
        method: 'chat.postMessage',
        error: 'invalid_blocks',
        reasons: [expect.stringMatching(/^\[ERROR\] .*50.* \[json-pointer:\/blocks\]$/)],
      },
    ]);
  });

  it('tells the person when the app fails or does not answer in 3 s', async () => {
    const answers: ((res: http.ServerResponse) => void)[] = [
      (res) => res.writeHead(500).end('boom'),
      () => undefined, // never answers
    ];
    const held: http.ServerResponse[] = [];
    const app = http.createServer((_req, res) => {
      held.push(res);
      answers.shift()?.(res);
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const target = t.sandbox.wire.target;
    const real = target.url;
    target.url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
    try {
      const failed = await t.post<ActResult>('composer', {
        as: 'U0PRIYA',
        channel: 'C0RANKING',
        text: '/hypothesis list',
      });
      expect(failed.body).toEqual({
        ok: false,
        notice: '/hypothesis failed with the error "dispatch_failed"',
      });
      const silent = await t.post<ActResult>('composer', {
        as: 'U0PRIYA',
        channel: 'C0RANKING',
        text: '/hypothesis list',
      });
      expect(silent.body.notice).toMatch(/^Labbook didn't respond in time\./);
      const notices = (await t.conversation('C0RANKING', 'U0PRIYA')).filter((m) => m.kind === 'notice');
      expect(notices.map((m) => m.text)).toEqual([failed.body.notice, silent.body.notice]);
      expect((await t.conversation('C0RANKING', 'U0ADA')).some((m) => m.kind === 'notice')).toBe(false);
    } finally {
      target.url = real;
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});
