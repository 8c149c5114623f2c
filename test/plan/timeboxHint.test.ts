import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { defaultFields, makeProject } from '../support/factories.js';
import { submit, viewOpenedBy, type SentView } from '../support/modals.js';

// A workspace of its own: "no team figure yet" needs a team with no hypotheses at all.
let t: TestApp;
const CHANNEL = 'C0HINT';
const ALICE = 'U0ALICE';

beforeAll(async () => {
  t = await startTestApp();
  t.fake.addUser({ id: ALICE, tz: 'Europe/Berlin' });
  await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: 'U0LEAD', members: [ALICE] });
});
afterAll(() => t?.stop());

const newModal = () =>
  viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
    slashCommand(t.target, {
      text: 'new',
      userId: ALICE,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    }),
  );

const timeboxOf = (view: SentView) =>
  view.blocks.find((b) => b.block_id === 'timeboxDays') as unknown as {
    hint: { text: string };
    element: object;
  };

// One story: "no figure yet" holds only until the team's first hypothesis, so the two
// states are checked in one test, in that order.
describe('the timebox of a new hypothesis', () => {
  it('has no figure to suggest while the team has none, then hints at the team’s usual timebox, never filling it in', async () => {
    const before = timeboxOf(await newModal());
    expect(before.element).not.toHaveProperty('initial_value');
    expect(before.hint.text).toBe('Whole days; when they end, the owner is asked how it went.');

    await submit(t.target, { userId: ALICE, teamId: TEAM }, await newModal(), {
      Hypothesis: defaultFields.statement,
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': '9',
    });
    await expect.poll(() => t.labbook.db.selectFrom('hypotheses').selectAll().execute()).toHaveLength(1);
    const after = timeboxOf(await newModal());
    expect(after.hint.text).toBe(
      "Whole days; when they end, the owner is asked how it went. Your team's usual timebox is 9 days.",
    );
    expect(after.element).not.toHaveProperty('initial_value');
  });
});
