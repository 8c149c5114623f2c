import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { viewOpenedBy } from '../support/modals.js';

/**
 * /metrics as an operator scrapes it: after a slash command and a check-in that met one 429,
 * the series say what happened, in Prometheus' conventions, and nothing names a person,
 * a channel or a workspace. The port is closed to anyone without the token.
 */
const TOKEN = 'metrics-token-0123456789abcdef';
const CHANNEL = 'C0METRICS';
const LEAD = 'U0METRICSLEAD';
const OWNER = 'U0METRICSOWNER';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
  t.fake.addUser({ id: OWNER, tz: 'UTC' });
  t.fake.addUser({ id: LEAD, tz: 'UTC' });
});
afterAll(() => t?.stop());

const metricsUrl = () => `http://127.0.0.1:${t.labbook.metricsPort}/metrics`;

async function scrape(): Promise<{ text: string; value: (series: string) => number }> {
  const res = await fetch(metricsUrl(), { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return { text, value: (series) => values.get(series) ?? 0 };
}

describe('GET /metrics after a command and a check-in that met a 429', () => {
  it('counts the request, the Web API calls by outcome, the delivery, its lag and the sweeps', async () => {
    const project = await makeProject(t.labbook.db, {
      teamId: TEAM,
      channelId: CHANNEL,
      lead: LEAD,
      members: [OWNER],
    });
    const before = await scrape();

    // A person types /hypothesis new: acked, and the modal opens.
    await viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
      slashCommand(t.target, {
        text: 'new',
        userId: OWNER,
        teamId: TEAM,
        channelId: CHANNEL,
        responseUrl: t.fake.responseUrl(),
      }),
    );

    // A check-in falls due at 09:00; the sweep at 09:01:30 meets one 429 (Retry-After 30 s),
    // the sweep at 09:02 sends it.
    const due = new Date('2026-12-07T09:00:00Z');
    t.clock.set(due);
    const h = await makeHypothesis(t.labbook.db, project, { ownerUserId: OWNER, dueAt: due });
    await scheduleCheckIn(t.labbook.db, h, due);
    t.clock.set('2026-12-07T09:01:30Z');
    const waiting = await scrape();
    t.fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 });
    expect((await t.labbook.scheduler.sweep()).retried).toBe(1);
    const afterRetry = await scrape();
    t.clock.set('2026-12-07T09:02:00Z');
    expect((await t.labbook.scheduler.sweep()).sent).toBe(1);
    const after = await scrape();
    const delta = (series: string) => after.value(series) - before.value(series);

    // The request, by surface and outcome, with its ack.
    expect(delta('labbook_slack_request_duration_seconds_count{surface="command",outcome="ok"}')).toBe(1);
    expect(delta('labbook_slack_ack_duration_seconds_count{surface="command"}')).toBe(1);
    expect(delta('labbook_slack_ack_duration_seconds_bucket{le="3",surface="command"}')).toBe(1);

    // Every Web API call the fake recorded, counted by method and outcome.
    const posts = t.fake.callsTo('chat.postMessage');
    expect(posts.filter((c) => c.fault === 'ratelimited')).toHaveLength(1);
    expect(delta('labbook_slack_api_calls_total{method="chat.postMessage",outcome="429"}')).toBe(1);
    expect(delta('labbook_slack_api_calls_total{method="chat.postMessage",outcome="ok"}')).toBe(
      posts.filter((c) => c.ok).length,
    );
    expect(posts.filter((c) => c.ok).length).toBeGreaterThanOrEqual(1);
    expect(delta('labbook_slack_api_calls_total{method="views.open",outcome="ok"}')).toBe(
      t.fake.okCallsTo('views.open').length,
    );

    // The delivery: retried once, then sent two minutes after it was due.
    expect(delta('labbook_deliveries_total{kind="checkin",outcome="retried"}')).toBe(1);
    expect(delta('labbook_deliveries_total{kind="checkin",outcome="sent"}')).toBe(1);
    expect(delta('labbook_delivery_lag_seconds_count{kind="checkin"}')).toBe(1);
    expect(delta('labbook_delivery_lag_seconds_sum{kind="checkin"}')).toBe(120);
    expect(delta('labbook_delivery_lag_seconds_bucket{le="60",kind="checkin"}')).toBe(0);
    expect(delta('labbook_delivery_lag_seconds_bucket{le="120",kind="checkin"}')).toBe(1);
    expect(delta('labbook_scheduler_sweep_duration_seconds_count')).toBe(2);

    // Pending, read from the database: waiting 90 s before the first sweep; after the 429 it
    // is pending but not ready (Retry-After); once sent, none.
    expect(waiting.value('labbook_deliveries_pending{kind="checkin"}')).toBe(1);
    expect(waiting.value('labbook_deliveries_overdue_seconds{kind="checkin"}')).toBe(90);
    expect(afterRetry.value('labbook_deliveries_pending{kind="checkin"}')).toBe(1);
    expect(afterRetry.value('labbook_deliveries_overdue_seconds{kind="checkin"}')).toBe(0);
    expect(after.value('labbook_deliveries_pending{kind="checkin"}')).toBe(0);

    // The pool and the process.
    expect(after.value('labbook_db_pool_size')).toBeGreaterThanOrEqual(1);
    // The scrape's own query may be the one waiting while the pool connects.
    expect(after.value('labbook_db_pool_waiting')).toBeLessThanOrEqual(1);
    expect(after.text).toMatch(/^labbook_db_pool_waiting \d+$/m);
    expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.text).toContain('# TYPE labbook_slack_api_calls_total counter');
    expect(after.text).toContain('# TYPE labbook_delivery_lag_seconds histogram');

    // No workspace, channel or person is named.
    for (const id of [TEAM, CHANNEL, LEAD, OWNER]) expect(after.text).not.toContain(id);
  });
});

describe('who may scrape', () => {
  it('counts a reply through a response_url as response_url, not as a Web API method', async () => {
    const before = await scrape();
    t.fake.reset();
    // No project in this channel: the answer is a private reply through the response_url.
    const responseUrl = t.fake.responseUrl();
    await slashCommand(t.target, {
      text: 'new',
      userId: OWNER,
      teamId: TEAM,
      channelId: 'C0METRICSNOPROJECT',
      responseUrl,
    });
    const reply = await t.fake.answerTo(responseUrl);
    expect(String(reply.body.text)).toMatch(/project/i);
    const after = await scrape();
    const delta = (series: string) => after.value(series) - before.value(series);
    expect(delta('labbook_slack_api_calls_total{method="response_url",outcome="ok"}')).toBe(1);
    const uploads = (text: string) =>
      [...text.matchAll(/method="upload",outcome="[^"]+"\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(uploads(after.text)).toBe(uploads(before.text));
  });

  it('the metrics port refuses without the token, or with a wrong one', async () => {
    expect((await fetch(metricsUrl())).status).toBe(401);
    const wrong = await fetch(metricsUrl(), { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('labbook_');
  });

  it('the public port does not serve /metrics when a metrics port is set', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
  });

  it('with only a token, the public port serves /metrics to the bearer of it alone', async () => {
    const app = await startTestApp({ fake: t.fake, env: { METRICS_TOKEN: TOKEN } });
    try {
      expect(app.labbook.metricsPort).toBeUndefined();
      expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(401);
      const res = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('labbook_slack_request_duration_seconds');
    } finally {
      await app.stop();
    }
  });

  it('with neither set, there is no /metrics at all', async () => {
    const app = await startTestApp({ fake: t.fake });
    try {
      expect(app.labbook.metricsPort).toBeUndefined();
      expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});
