import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { insertMeeting, insertProposal } from '../../src/db/meetings.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import type { OptionKind } from '../../src/db/schema/meetings.js';
import { byActivity } from '../../src/rituals/timeSpent/activities.js';
import {
  calibrateByKind,
  effortByHypothesis,
  totalMinutes,
  type Effort,
} from '../../src/rituals/timeSpent/calibration.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeProject } from '../support/factories.js';
import { command, concluded, textOf } from '../digests/support.js';

const day = (d: string) => new Date(`2026-11-${d}T09:00:00Z`);
const record = (id: number, o: { days: number; took: number; status?: string; extended?: boolean }) => ({
  id,
  status: o.status ?? 'disproven',
  timebox_days: o.days,
  started_at: day('02'),
  concluded_at: new Date(day('02').getTime() + o.took * 86_400_000),
  // An extended one was due when it was answered; the others were due after their timebox.
  due_at: new Date(day('02').getTime() + (o.extended ? o.took : o.days) * 86_400_000),
  extension_count: o.extended ? 1 : 0,
});
const effort = (optionKind: OptionKind | null, minutes: Partial<Record<string, number>> = {}): Effort => ({
  optionKind,
  minutes: { ...byActivity([]), ...minutes },
});

describe('calibration by kind of option (pure)', () => {
  it('compares planned and actual days per kind, state of the art first, with the time logged', () => {
    const kinds = calibrateByKind(
      [
        record(1, { days: 10, took: 20, extended: true }),
        record(2, { days: 10, took: 16 }),
        record(3, { days: 5, took: 6, status: 'validated' }),
        record(4, { days: 7, took: 7 }),
        // Concluded early: says nothing about how long a timebox of its kind takes.
        record(7, { days: 10, took: 3 }),
        // Still running, or abandoned: no real duration to compare.
        { ...record(5, { days: 3, took: 30 }), status: 'running' },
        { ...record(6, { days: 3, took: 30 }), status: 'abandoned' },
      ],
      new Map([
        [1, effort('sota', { modelling: 600, data: 120 })],
        [2, effort('sota', { modelling: 240 })],
        [3, effort('simple', { data: 60 })],
        [7, effort('simple', { data: 30 })],
        [5, effort('sota', { modelling: 999 })],
      ]),
    );
    expect(
      kinds.map((k) => [k.kind, k.concluded, k.meanPlannedDays, k.meanActualDays, k.ratio, k.extended]),
    ).toEqual([
      // Days as the announcements count them: the wait for an answer after the timebox is not work.
      ['sota', 2, 10, 15, 1.5, 1],
      ['simple', 1, 5, 5, 1, 0],
      ['unstated', 1, 7, 7, 1, 0],
    ]);
    expect(kinds[0]!.minutes).toEqual({
      data: 120,
      modelling: 840,
      evaluation: 0,
      infrastructure: 0,
      waiting: 0,
    });
    expect(kinds[2]!.minutes).toEqual(byActivity([]));
  });

  it('leaves out kinds with nothing concluded, and says nothing for an empty record', () => {
    expect(calibrateByKind([], new Map())).toEqual([]);
    expect(calibrateByKind([record(1, { days: 4, took: 5 })], new Map()).map((k) => k.kind)).toEqual([
      'unstated',
    ]);
  });

  it('gathers the database rows per hypothesis and sums them', () => {
    const e = effortByHypothesis(
      [
        { hypothesis_id: 1, activity: 'data', minutes: 60 },
        { hypothesis_id: 1, activity: 'waiting', minutes: 30 },
        { hypothesis_id: 2, activity: 'modelling', minutes: 90 },
        { hypothesis_id: 2, activity: 'no-such-activity', minutes: 5 },
      ],
      [
        { hypothesis_id: 2, option_kind: 'sota' },
        { hypothesis_id: 3, option_kind: 'simple' },
      ],
    );
    expect(e.get(1)).toEqual(effort(null, { data: 60, waiting: 30 }));
    expect(e.get(2)).toEqual(effort('sota', { modelling: 90 }));
    expect(e.get(3)).toEqual(effort('simple'));
    expect(totalMinutes([...e.values()])).toEqual({
      data: 60,
      modelling: 90,
      evaluation: 0,
      infrastructure: 0,
      waiting: 30,
    });
  });
});

let t: TestApp;
let project: Project;
let LEAD: string;
let CHANNEL: string;
let seq = 0;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  t.fake.reset();
  seq++;
  LEAD = `U0CAL${seq}`;
  CHANNEL = `C0CAL${seq}`;
  t.fake.addUser({ id: LEAD, tz: 'UTC' });
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: LEAD,
    name: `Intents ${seq}`,
  });
});
const db = () => t.labbook.db;

/** A hypothesis chosen from a meeting proposal of this kind, as the decision records it. */
async function fromProposal(d: Db, p: Project, h: Hypothesis, kind: OptionKind): Promise<void> {
  const at = h.started_at!;
  const m = await insertMeeting(d, {
    teamId: TEAM,
    projectId: p.id,
    channelId: p.channel_id,
    question: `Next model after H${h.number}?`,
    scheduledAt: at,
    deadline: at,
    participants: [LEAD],
    metric: null,
    createdBy: LEAD,
    at,
  });
  const proposal = await insertProposal(d, {
    teamId: TEAM,
    meetingId: m.id,
    author: LEAD,
    fields: {
      approach: h.statement,
      relatedWork: null,
      noReading: true,
      expectedGain: null,
      costDays: null,
      risks: null,
      optionKind: kind,
    },
    late: false,
    at,
  });
  await d
    .updateTable('proposals')
    .set({ chosen: true, hypothesis_id: h.id })
    .where('id', '=', proposal.id)
    .execute();
}

/** A state-of-the-art attempt that took twice its timebox, and a simple one that took its own. */
async function twoKinds(p: Project) {
  const sota = await concluded(db(), p, {
    status: 'disproven',
    startedAt: '2026-11-09T09:00:00Z',
    concludedAt: '2026-11-23T09:00:00Z',
    timeboxDays: 7,
    extensions: 1,
    owner: LEAD,
    statement: 'A transformer intent model',
  });
  const simple = await concluded(db(), p, {
    status: 'validated',
    startedAt: '2026-11-16T09:00:00Z',
    concludedAt: '2026-11-20T09:00:00Z',
    timeboxDays: 4,
    owner: LEAD,
    statement: 'Logistic regression on n-grams',
  });
  await fromProposal(db(), p, sota, 'sota');
  await fromProposal(db(), p, simple, 'simple');
  await command(t, `spent 30h modelling H${sota.number}`, LEAD, p.channel_id);
  await command(t, `spent 10h waiting H${sota.number}`, LEAD, p.channel_id);
  await command(t, `spent 4h data H${simple.number}`, LEAD, p.channel_id);
}

describe('`/hypothesis stats` by kind of option', () => {
  it("answers how long this project's state-of-the-art attempts really take", async () => {
    await twoKinds(project);
    const stats = textOf({ body: await command(t, 'stats', LEAD, CHANNEL) });
    expect(stats).toContain(
      '*By kind of option* (this project; planned: timebox, actual: days as announced, early conclusions left out)',
    );
    expect(stats).toContain(
      '• *State of the art*: 1 concluded · planned 7 days, took 14 days on average (2.0× the timebox) · 1 extended · time logged: modelling 30 h (75%) · waiting (compute, labels, reviews) 10 h (25%)',
    );
    expect(stats).toContain(
      '• *Simple/standard*: 1 concluded · planned 4 days, took 4 days on average (1.0× the timebox) · time logged: data work 4 h (100%)',
    );
    expect(stats).not.toContain('Not from a meeting proposal');
  });

  it('`stats all` puts every project of the workspace together', async () => {
    await twoKinds(project);
    const other = await makeProject(db(), {
      teamId: TEAM,
      channelId: `C0CALX${seq}`,
      lead: LEAD,
      name: `Other ${seq}`,
    });
    const h = await concluded(db(), other, {
      status: 'inconclusive',
      startedAt: '2026-11-10T09:00:00Z',
      concludedAt: '2026-11-20T09:00:00Z',
      timeboxDays: 10,
      owner: LEAD,
    });
    await fromProposal(db(), other, h, 'sota');
    const all = textOf({ body: await command(t, 'stats all', LEAD, CHANNEL) });
    expect(all).toContain('*By kind of option* (every project of the workspace;');
    // Earlier tests' projects share the workspace; this one's figures are in there.
    expect(all).toMatch(/\*State of the art\*: \d+ concluded/);
    expect(all).toContain(`*Other ${seq}*: planned 10 days`);
  });
});

describe("the digest's calibration", () => {
  it('adds the time logged by activity and the kinds of option, once', async () => {
    t.clock.set('2026-11-25T10:00:00Z');
    await twoKinds(project);
    const text = textOf({ body: await command(t, 'digest', LEAD, CHANNEL) });
    expect(text.split('Timebox calibration')).toHaveLength(2);
    // One context block: the timebox calibration, then the time and the kinds under it.
    expect(text).toContain(
      'Timebox calibration, last four weeks: hypotheses took 1.5× their timebox on median;',
    );
    expect(text).toContain(
      'extended.\\nTime logged on them: data work 4 h (9%) · modelling 30 h (68%) · waiting (compute, labels, reviews) 10 h (23%).\\nActual against planned days, by kind of option: state of the art 2.0× (1) · simple/standard 1.0× (1).',
    );
  });
});
