import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as week from '../support/sandboxWeek.js';
import { openSandboxPage, type SandboxPage } from '../support/sandboxPage.js';

/**
 * One week of a team's life on the sandbox page, in headless Chromium, driven by role and
 * label as a person would: plan a project and a hypothesis, answer its check-in Disproven,
 * run a decision meeting to its pre-read, read the weekly digest and its chart, open the Home
 * tab. The same steps make the README's screenshots (npm run screenshots).
 */
let s: SandboxPage;

beforeAll(async () => {
  s = await openSandboxPage();
});
afterAll(() => s?.stop());

const db = () => s.sandbox.labbook.db;

/**
 * The week's steps, each building on the last. A test plays the steps before its own that
 * have not been played yet, then its own: run alone (-t), a test plays the week up to its
 * step first; in a whole run each step is played once, by its own test.
 */
const steps = [
  week.planProjectAndHypothesis,
  week.checkInDisproven,
  week.decisionMeeting,
  week.weeklyDigest,
  week.homeTab,
];
let played = 0;
async function playThrough(step: (typeof steps)[number]): Promise<void> {
  const last = steps.indexOf(step);
  if (last < played) throw new Error(`${step.name} was played already: the week runs in its written order`);
  for (; played <= last; played++) await steps[played]!(s.page);
}

// One story: its tests run in the written order even when the suite is shuffled.
describe('a week in the sandbox', { shuffle: false }, () => {
  it('plans a project and a hypothesis through the modals Labbook sent', async () => {
    await playThrough(week.planProjectAndHypothesis);
    const [project] = await db().selectFrom('projects').selectAll().execute();
    expect(project).toMatchObject({ name: 'Search ranking', channel_id: 'C0RANKING', lead_user_id: 'U0ADA' });
    const [h] = await db().selectFrom('hypotheses').selectAll().execute();
    expect(h).toMatchObject({ number: 1, status: 'running', owner_user_id: 'U0GRACE', timebox_days: 2 });
    // The card is in the channel for everyone in it, not only for Ada.
    await week.actAs(s.page, week.PEOPLE.kenji);
    await week.openChannel(s.page);
    await week.visible(week.conversationLog(s.page).getByText(week.HYPOTHESIS_CARD).first());
    // Ada's "this channel has no project yet" was only for her.
    expect(await week.conversationLog(s.page).getByText('has no project yet').count()).toBe(0);
  }, 120_000);

  it('asks the owner in her DM when the timebox ends, and logs the answer Disproven', async () => {
    await playThrough(week.checkInDisproven);
    const [h] = await db().selectFrom('hypotheses').selectAll().execute();
    expect(h).toMatchObject({ status: 'disproven' });
    const concluded = await db()
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('kind', '=', 'hypothesis_concluded')
      .execute();
    expect(concluded).toHaveLength(1);
    expect(JSON.stringify(concluded[0])).toContain('label noise, not the loss');
    // Only Grace has a DM with the check-in; Kenji's is empty.
    await week.actAs(s.page, week.PEOPLE.kenji);
    await week.openDm(s.page);
    expect(await week.conversationLog(s.page).getByRole('button', { name: 'Disproven' }).count()).toBe(0);
  }, 180_000);

  it('collects proposals in the meeting thread and posts the pre-read', async () => {
    await playThrough(week.decisionMeeting);
    const proposals = await db().selectFrom('proposals').select(['author_user_id']).execute();
    expect(proposals.map((p) => p.author_user_id).sort()).toEqual(['U0GRACE', 'U0KENJI']);
    const [meeting] = await db().selectFrom('decision_meetings').selectAll().execute();
    expect(meeting?.closed_at).not.toBeNull();
  }, 180_000);

  it('posts the weekly digest with its chart, shown as an image', async () => {
    await playThrough(week.weeklyDigest);
    const chart = week.digestChart(s.page);
    // The PNG Labbook uploaded, decoded by the browser: a real picture, not a broken image.
    expect(
      await chart.evaluate((img: unknown) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(100);
  }, 120_000);

  it('shows the lead her Home tab as Labbook published it', async () => {
    await playThrough(week.homeTab);
    await week.visible(s.page.getByText('Search ranking').first());
  }, 120_000);
});
