import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/schema/index.js';
import { loadConfig, secretsOf } from '../../src/config.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { startTestApp, TEAM, testEnv, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject, withdrawAllPending } from '../support/factories.js';
import { command, textOf } from '../digests/support.js';

/**
 * Fake MLflow and W&B on loopback, answering in their documented shapes: MLflow's
 * `GET /api/2.0/mlflow/runs/get` (`run.data.metrics`, the latest value per key) and W&B's
 * GraphQL `project { run { summaryMetrics } }` (a JSON string). Run ids choose the answer.
 */
const MLFLOW_TOKEN = 'mlflow-secret-token-123';
const WANDB_KEY = 'wandb-secret-key-4567890';
const hits: string[] = [];
const aborted: string[] = [];
let server: Server;
let base: string;

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function startTrackers(): Promise<void> {
  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (url.pathname === '/api/2.0/mlflow/runs/get') {
        const id = url.searchParams.get('run_id') ?? '';
        hits.push(`mlflow:${id}`);
        if (req.headers.authorization !== `Bearer ${MLFLOW_TOKEN}` || id.startsWith('denied'))
          return send(401, { error_code: 'UNAUTHENTICATED', message: 'bad token' });
        if (id.startsWith('slow')) {
          res.on('close', () => aborted.push(id));
          return; // never answers; Labbook must give up on its own
        }
        if (id.startsWith('missing'))
          return send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${id}' not found` });
        if (id.startsWith('garbled')) return send(200, '<html>proxy error</html>');
        return send(200, {
          run: {
            info: { run_id: id, experiment_id: '7', status: 'FINISHED' },
            data: {
              metrics: [
                { key: 'val_AUC', value: 0.9234, timestamp: 1700000000000, step: 12 },
                { key: 'val_auc_std', value: 0.01, timestamp: 1700000000000, step: 12 },
                { key: 'loss', value: 0.31, timestamp: 1700000000000, step: 12 },
              ],
              params: [{ key: 'seed', value: '42' }],
            },
          },
        });
      }
      if (url.pathname === '/graphql' && req.method === 'POST') {
        const body = JSON.parse(await bodyOf(req)) as { query: string; variables: Record<string, string> };
        hits.push(`wandb:${body.variables.run}`);
        const expected = `Basic ${Buffer.from(`api:${WANDB_KEY}`).toString('base64')}`;
        if (req.headers.authorization !== expected)
          return send(401, { errors: [{ message: 'unauthorized' }] });
        if (!/project\(name: \$project, entityName: \$entity\)/.test(body.query))
          return send(400, { errors: [{ message: 'bad query' }] });
        if (body.variables.run === 'nosuch1') return send(200, { data: { project: { run: null } } });
        return send(200, {
          data: {
            project: { run: { summaryMetrics: JSON.stringify({ 'eval/auc': 0.911, _step: 40, note: 'x' }) } },
          },
        });
      }
      send(404, { error: 'not found' });
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve();
    }),
  );
}

let t: TestApp;
let project: Project;
let OWNER: string;
let CHANNEL: string;
let seq = 0;

const trackerEnv = () => ({
  MLFLOW_TRACKING_URI: base,
  MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN,
  WANDB_API_KEY: WANDB_KEY,
  WANDB_BASE_URL: base,
});

beforeAll(async () => {
  await startTrackers();
  t = await startTestApp({ env: trackerEnv() });
});
afterAll(async () => {
  await t?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});
beforeEach(async () => {
  t.fake.reset();
  hits.length = 0;
  await withdrawAllPending(t.labbook.db);
  seq++;
  OWNER = `U0TRACK${seq}`;
  CHANNEL = `C0TRACK${seq}`;
  t.fake.addUser({ id: OWNER, tz: 'UTC' });
  project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: OWNER });
});

const mlflowRun = (id: string) => `${base}/#/experiments/7/runs/${id}`;
const wandbRun = (id: string) => `https://wandb.ai/acme/ranker/runs/${id}`;

/** The check-in DM the owner gets for a hypothesis on metric "AUC" with these links. */
async function checkInWith(links: string[], metric = 'AUC', trackerMetricKey: string | null = null) {
  t.fake.reset();
  t.clock.set('2026-12-07T09:00:00Z');
  const h = await makeHypothesis(t.labbook.db, project, {
    ownerUserId: OWNER,
    metric,
    successCriteria: '+2% over 0.910',
    dueAt: new Date('2026-12-07T09:00:00Z'),
    evidence: { runLinks: links, datasetVersion: null, randomSeed: null, trackerMetricKey },
  });
  await scheduleCheckIn(t.labbook.db, h, new Date('2026-12-07T09:00:00Z'));
  await t.labbook.scheduler.sweep();
  const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
  return JSON.stringify(dm!.args.blocks);
}

describe('the metric of linked runs, next to the bar', () => {
  it('the check-in DM shows MLflow’s and W&B’s latest value of the metric, matched case- and punctuation-insensitively', async () => {
    const shown = await checkInWith([mlflowRun('3f2a9c8d7e6f'), wandbRun('k2p9x1')]);
    expect(shown).toContain(
      ':bar_chart: AUC 0.923 in MLflow run 3f2a… · AUC 0.911 in W&amp;B run k2p9x1; bar: +2% over 0.910',
    );
    expect(hits).toEqual(['mlflow:3f2a9c8d7e6f', 'wandb:k2p9x1']);
    expect(t.fake.violations).toEqual([]);
  });

  it('the key chosen in the modal wins over the metric’s name', async () => {
    const shown = await checkInWith([mlflowRun('aa11bb22cc33')], 'AUC', 'loss');
    expect(shown).toContain('loss 0.31 in MLflow run aa11…; bar: +2% over 0.910');
  });

  it('a slow tracker is given up on after its timeout: the DM still goes, saying MLflow did not answer', async () => {
    const shown = await checkInWith([mlflowRun('slow0001'), wandbRun('fast01')]);
    expect(shown).toContain('MLflow did not answer · AUC 0.911 in W&amp;B run fast01');
    await expect.poll(() => aborted).toContain('slow0001');
  });

  it('401, 404 and a malformed answer each say what happened, and the DM still goes', async () => {
    const shown = await checkInWith([mlflowRun('denied01'), mlflowRun('missing1'), mlflowRun('garbled1')]);
    expect(shown).toContain(
      "MLflow refused Labbook's token for MLflow run denied01 · MLflow has no run missing1 · MLflow did not answer; bar:",
    );
    const wandb = await checkInWith([wandbRun('nosuch1')]);
    expect(wandb).toContain('W&amp;B has no run nosuch1; bar:');
  });

  it('a run without the metric says so; the answer is cached, and the digest shows it too', async () => {
    const shown = await checkInWith([mlflowRun('cache001')], 'recall@10');
    expect(shown).toContain('no “recall@10” in MLflow run cache001');
    await t.labbook.db
      .updateTable('hypotheses')
      .set({ status: 'validated', concluded_at: new Date('2026-12-07T08:00:00Z'), result: 'see run' })
      .where('project_id', '=', project.id)
      .execute();
    const digest = textOf({ body: await command(t, 'digest', OWNER, CHANNEL) });
    expect(digest).toContain('no “recall@10” in MLflow run cache001; bar: +2% over 0.910');
    expect(hits).toEqual(['mlflow:cache001']);
  });

  it('the tokens never reach a log line, and are registered as secrets', async () => {
    await checkInWith([mlflowRun('slow0002'), mlflowRun('denied02'), wandbRun('x1')]);
    const logs = t.logs.join('\n');
    expect(logs).toContain('tracker did not answer');
    expect(logs).not.toContain(MLFLOW_TOKEN);
    expect(logs).not.toContain(WANDB_KEY);
    const config = loadConfig(testEnv(t.fake, 'postgres://x@127.0.0.1/x', trackerEnv()));
    expect(secretsOf(config)).toEqual(expect.arrayContaining([MLFLOW_TOKEN, WANDB_KEY]));
  });
});
