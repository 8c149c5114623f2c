import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { defaultFields, makeHypothesis, makeProject, withdrawAllPending } from '../support/factories.js';
import { pressInMessage } from '../support/messages.js';
import { submit, viewOpenedBy, type FillValue } from '../support/modals.js';
import { command, concluded, textOf } from '../digests/support.js';

let t: TestApp;
let project: Project;
let CHANNEL: string;
let OWNER: string;
let seq = 0;

const WANDB = 'https://wandb.ai/acme/ranker/runs/3f2a9c';
const PR = 'https://github.com/acme/ranker/pull/42';
const MLFLOW = 'http://mlflow.internal:5000/#/experiments/7/runs/0b1c2d3e';

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  t.fake.reset();
  await withdrawAllPending(t.labbook.db);
  seq++;
  CHANNEL = `C0RUNS${seq}`;
  OWNER = `U0RUNNER${seq}`;
  t.fake.addUser({ id: OWNER, tz: 'UTC' });
  project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: OWNER, members: [] });
});

const db = () => t.labbook.db;
const who = () => ({ userId: OWNER, teamId: TEAM });
const row = (id: number) =>
  db().selectFrom('hypotheses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const typed: Record<string, FillValue> = {
  Hypothesis: defaultFields.statement,
  Metric: defaultFields.metric,
  Baseline: defaultFields.baseline,
  'Success criteria': defaultFields.successCriteria,
  'Timebox (days)': '14',
};

const newModal = () =>
  viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
    slashCommand(t.target, {
      text: 'new',
      userId: OWNER,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    }),
  );

describe('runs and evidence in the hypothesis modal', () => {
  it('keeps the links, dataset version and seed, and the card’s Details names the links', async () => {
    const reply = await submit(t.target, who(), await newModal(), {
      ...typed,
      'Runs and artifacts': `${WANDB}\n${PR}\n`,
      'Dataset version': 'intents-2026-11 v3',
      'Random seed': '42',
      'Metric name in the tracker': 'val/recall_at_10',
    });
    expect(reply.text).toBe('');
    const h = await db()
      .selectFrom('hypotheses')
      .selectAll()
      .where('project_id', '=', project.id)
      .executeTakeFirstOrThrow();
    expect(h).toMatchObject({
      run_links: [WANDB, PR],
      dataset_version: 'intents-2026-11 v3',
      random_seed: '42',
      tracker_metric_key: 'val/recall_at_10',
    });
    const [card] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);
    await pressInMessage(t, who(), card!, ids.hypothesis.details);
    const [details] = await t.fake.waitForResponse();
    const shown = JSON.stringify(details!.body.blocks);
    expect(shown).toContain(`<${WANDB}|W&amp;B run 3f2a9c>`);
    expect(shown).toContain(`<${PR}|GitHub PR acme/ranker#42>`);
    expect(shown).toContain('dataset intents-2026-11 v3 · seed 42');
    expect(t.fake.violations).toEqual([]);
  });

  it('an invalid link is an inline error naming the field, and nothing is saved', async () => {
    const before = await db()
      .selectFrom('hypotheses')
      .select('id')
      .where('project_id', '=', project.id)
      .execute();
    const reply = await submit(t.target, who(), await newModal(), {
      ...typed,
      'Runs and artifacts': `${WANDB}\nmy notebook`,
    });
    expect(reply.json).toEqual({
      response_action: 'errors',
      errors: {
        runLinks:
          'Runs and artifacts: “my” is not a link. Paste whole URLs starting with https://, one per line.',
      },
    });
    expect(
      await db().selectFrom('hypotheses').select('id').where('project_id', '=', project.id).execute(),
    ).toEqual(before);
  });

  it('the edit modal shows the links given, and a changed list is logged as a change', async () => {
    await submit(t.target, who(), await newModal(), { ...typed, 'Runs and artifacts': WANDB });
    const [card] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);
    const edit = await viewOpenedBy(t.fake, ids.hypothesis.editModal, () =>
      pressInMessage(t, who(), card!, ids.hypothesis.edit),
    );
    expect(JSON.stringify(edit)).toContain(`"initial_value":"${WANDB}"`);
    await submit(t.target, who(), edit, { 'Runs and artifacts': `${WANDB}\n${PR}` });
    const h = await db()
      .selectFrom('hypotheses')
      .selectAll()
      .where('project_id', '=', project.id)
      .executeTakeFirstOrThrow();
    expect(h.run_links).toEqual([WANDB, PR]);
    const log = await db()
      .selectFrom('experiment_log_entries')
      .select('text')
      .where('hypothesis_id', '=', h.id)
      .where('kind', '=', 'hypothesis_edited')
      .execute();
    expect(log.map((l) => l.text)).toEqual([`H${h.number} edited: run links changed.`]);
    await t.fake.waitFor('chat.update', (c) => c.args.channel === CHANNEL);
    await pressInMessage(t, who(), card!, ids.hypothesis.details);
    const [details] = await t.fake.waitForResponse();
    expect(JSON.stringify(details!.body.blocks)).toContain(`<${PR}|GitHub PR acme/ranker#42>`);
  });
});

const evidence = { runLinks: [WANDB], datasetVersion: 'v3', randomSeed: '7', trackerMetricKey: null };

describe('the links wherever the hypothesis is shown', () => {
  it('the check-in DM shows them; the outcome form offers them to add to, and keeps what comes back', async () => {
    t.clock.set('2026-12-07T09:00:00Z');
    const h = await makeHypothesis(db(), project, {
      ownerUserId: OWNER,
      dueAt: new Date('2026-12-07T09:00:00Z'),
      evidence,
    });
    await scheduleCheckIn(db(), h, new Date('2026-12-07T09:00:00Z'));
    await t.labbook.scheduler.sweep();
    const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    expect(JSON.stringify(dm!.args.blocks)).toContain(
      `Evidence: <${WANDB}|W&amp;B run 3f2a9c> · dataset v3 · seed 7`,
    );
    const form = await viewOpenedBy(t.fake, ids.checkin.outcomeModal, () =>
      pressInMessage(t, who(), dm!, ids.checkin.validated),
    );
    expect(JSON.stringify(form)).toContain(`"initial_value":"${WANDB}"`);
    const bad = await submit(t.target, who(), form, {
      'Measured result': 'recall +6%',
      'Runs and artifacts': 'n/a',
    });
    expect(bad.json).toMatchObject({
      response_action: 'errors',
      errors: { runLinks: expect.stringMatching(/^Runs and artifacts: “n\/a” is not a link/) },
    });
    await submit(t.target, who(), form, {
      'Measured result': 'recall +6%',
      'Runs and artifacts': `${WANDB}\n${MLFLOW}`,
      'Random seed': '7, 8, 9',
    });
    expect(await row(h.id)).toMatchObject({
      status: 'validated',
      run_links: [WANDB, MLFLOW],
      dataset_version: 'v3',
      random_seed: '7, 8, 9',
    });
    const [answered] = await t.fake.waitFor('chat.update', (c) => c.args.channel === `D${OWNER}`);
    expect(JSON.stringify(answered!.args.blocks)).toContain(`<${MLFLOW}|MLflow run 0b1c2d3e>`);
    expect(t.fake.violations).toEqual([]);
  });

  it('`/hypothesis list`, the export (Markdown and CSV) and the digest show them', async () => {
    t.clock.set('2026-11-25T10:00:00Z');
    const h = await concluded(db(), project, {
      status: 'disproven',
      startedAt: '2026-11-16T09:00:00Z',
      concludedAt: '2026-11-24T09:00:00Z',
      statement: 'Focal loss beats cross-entropy',
      result: 'recall -0.4%',
      learnings: 'Calibration suffers',
      owner: OWNER,
    });
    await db()
      .updateTable('hypotheses')
      .set({ run_links: [WANDB, PR], random_seed: '42' })
      .where('id', '=', h.id)
      .execute();
    await db()
      .insertInto('experiment_log_entries')
      .values({
        team_id: TEAM,
        project_id: project.id,
        hypothesis_id: h.id,
        kind: 'note',
        author_user_id: OWNER,
        text: 'ran it',
      })
      .execute();

    const list = textOf({ body: await command(t, 'list', OWNER, CHANNEL) });
    expect(list).toContain(
      `Evidence: <${WANDB}|W&amp;B run 3f2a9c> · <${PR}|GitHub PR acme/ranker#42> · seed 42`,
    );

    const digest = textOf({ body: await command(t, 'digest', OWNER, CHANNEL) });
    expect(digest).toContain(`Evidence: <${WANDB}|W&amp;B run 3f2a9c>`);

    t.fake.reset();
    await slashCommand(t.target, {
      text: 'export',
      userId: OWNER,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    await t.fake.waitFor('files.completeUploadExternal');
    const [md, csv] = t.fake.uploads;
    expect(md!.content).toContain(
      `- Evidence: [W&B run 3f2a9c](${WANDB}) · [GitHub PR acme/ranker#42](${PR}) · seed 42`,
    );
    const rows = parse(csv!.content, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.text === 'ran it')?.run_links).toBe(`${WANDB} ${PR}`);
  });
});
