import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDaysNote } from '../../blocks/away.js';
import { ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { timeboxWorkingDays } from '../../src/rituals/away/workingDays.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { pressInMessage, viewFrom } from '../support/messages.js';
import { typeInto, viewOpenedBy, type SentView } from '../support/modals.js';

const MON_TO_FRI = [1, 2, 3, 4, 5];
const christmas = new Set(['2026-12-25', '2027-01-01']); // public holidays in DE, both Fridays
const noAway = { isHoliday: (d: string) => christmas.has(d), isAway: () => false };

describe('the working days in a timebox', () => {
  // Mon 21 Dec 2026 10:00 Berlin, 14 days: due Mon 4 Jan 2027.
  const start = new Date('2026-12-21T09:00:00Z');
  const due = new Date('2027-01-04T09:00:00Z');

  it('are its weekdays up to the due day, less public holidays', () => {
    expect(timeboxWorkingDays(start, due, 'Europe/Berlin', MON_TO_FRI, noAway)).toEqual({
      workingDays: 8,
      holidays: [['2026-12-25'], ['2027-01-01']],
      away: [],
    });
  });

  it('less the days away too, kept as one run across the weekend', () => {
    const off = { ...noAway, isAway: (d: string) => d >= '2026-12-24' && d <= '2026-12-31' };
    expect(timeboxWorkingDays(start, due, 'Europe/Berlin', MON_TO_FRI, off)).toEqual({
      workingDays: 3,
      holidays: [['2026-12-25'], ['2027-01-01']],
      away: [['2026-12-24'], ['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']],
    });
  });

  it('count in the owner’s zone: Sunday evening in New York is Monday in Berlin', () => {
    const start = new Date('2026-12-20T22:00:00Z');
    const due = new Date('2026-12-23T02:00:00Z');
    const days = (tz: string) => timeboxWorkingDays(start, due, tz, MON_TO_FRI, noAway).workingDays;
    expect(days('America/New_York')).toBe(1); // Sun 20 17:00 – Tue 22 21:00: Monday
    expect(days('Europe/Berlin')).toBe(2); // Mon 21 23:00 – Wed 23 03:00: Monday and Tuesday
  });

  it('are worded only when something falls in the timebox', () => {
    const plain = timeboxWorkingDays(
      new Date('2026-11-23T09:00:00Z'),
      new Date('2026-12-07T09:00:00Z'),
      'UTC',
      MON_TO_FRI,
      noAway,
    );
    expect(workingDaysNote(plain, { forYou: true, region: 'DE' })).toBeUndefined();
    const off = { ...noAway, isAway: (d: string) => d >= '2026-12-28' && d <= '2026-12-31' };
    expect(
      workingDaysNote(timeboxWorkingDays(start, due, 'Europe/Berlin', MON_TO_FRI, off), {
        forYou: false,
        region: 'DE',
      }),
    ).toBe(
      '4 working days for its owner (public holidays in DE: Fri 25 Dec, Fri 1 Jan; away Mon 28 – Thu 31 Dec)',
    );
    expect(
      workingDaysNote(
        { workingDays: 1, holidays: [], away: [['2026-12-31', '2027-01-01']] },
        { forYou: true, region: null },
      ),
    ).toBe('1 working day for you (away Thu 31 Dec – Fri 1 Jan)');
  });
});

let t: TestApp;
let project: Project;
const CHANNEL = 'C0WORKDAYS';
const OWNER = 'U0WDOWNER';
const LEAD = 'U0WDLEAD';

beforeAll(async () => {
  t = await startTestApp();
  t.fake.addUser({ id: OWNER, tz: 'Europe/Berlin' });
  t.fake.addUser({ id: LEAD, tz: 'America/New_York' });
  t.fake.addUser({ id: 'U0WDADMIN', isAdmin: true });
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: LEAD,
    members: [OWNER],
  });
});
afterAll(() => t?.stop());

const who = (userId: string) => ({ userId, teamId: TEAM });
const command = async (text: string, userId: string) => {
  await slashCommand(t.target, {
    text,
    userId,
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl: t.fake.responseUrl(),
  });
};
const hintOf = (view: SentView, blockId: string) =>
  (view.blocks.find((b) => b.block_id === blockId) as { hint?: { text: string } }).hint?.text;
/** The view as redrawn (with its new hash, for typing on) and its hint under `blockId`. */
const redrawn = async (blockId: string) => {
  const [update] = await t.fake.waitFor('views.update');
  const view = viewFrom(update!);
  return { view, hint: hintOf(view, blockId) };
};

describe('the new-hypothesis and extend modals', () => {
  it('show the due date and, with holidays or days away in the timebox, the owner’s working days', async () => {
    t.clock.set('2026-12-21T09:00:00Z'); // Monday 10:00 in Berlin
    const view = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () => command('new', OWNER));
    await typeInto(t.target, who(OWNER), view, 'Timebox (days)', '14');
    expect((await redrawn('timeboxDays')).hint).toBe(
      '14 days: due Mon 4 Jan 2027 if it starts now. Its owner is asked how it went then.',
    );

    t.fake.reset();
    await command('hours 9-18 mon-fri holidays DE', 'U0WDADMIN');
    await command('away 2026-12-28 2026-12-31', OWNER);
    await t.fake.waitForResponse(undefined, { count: 2 });
    t.fake.reset();
    const again = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () => command('new', OWNER));
    await typeInto(t.target, who(OWNER), again, 'Timebox (days)', '14');
    const fourteen = await redrawn('timeboxDays');
    expect(fourteen.hint).toBe(
      '14 days: due Mon 4 Jan 2027 if it starts now, 4 working days for you (public holidays in DE: Fri 25 Dec, Fri 1 Jan; away Mon 28 – Thu 31 Dec). Its owner is asked how it went then.',
    );
    t.fake.reset();
    await typeInto(t.target, who(OWNER), fourteen.view, 'Timebox (days)', '3');
    expect((await redrawn('timeboxDays')).hint).toBe(
      '3 days: due Thu 24 Dec 2026 if it starts now. Its owner is asked how it went then.',
    );

    // The check-in's Extend: the extension's due date and working days.
    const h = await makeHypothesis(t.labbook.db, project, {
      ownerUserId: OWNER,
      startedAt: new Date('2026-12-07T09:00:00Z'),
      dueAt: new Date('2026-12-21T09:00:00Z'),
    });
    await scheduleCheckIn(t.labbook.db, h, new Date('2026-12-21T09:00:00Z'));
    t.fake.reset();
    await t.labbook.scheduler.sweep();
    const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    const extend = await viewOpenedBy(t.fake, ids.checkin.extendModal, () =>
      pressInMessage(t, who(OWNER), dm!, ids.checkin.extend),
    );
    expect(hintOf(extend, 'days')).toBe(
      'Counted from today: due Mon 28 Dec 2026, 4 working days for you (public holidays in DE: Fri 25 Dec). Extensions are logged, so the team learns how long things really take.',
    );
    t.fake.reset();
    await typeInto(t.target, who(OWNER), extend, 'More days', '2');
    expect((await redrawn('days')).hint).toBe(
      'Counted from today: due Wed 23 Dec 2026. Extensions are logged, so the team learns how long things really take.',
    );
    expect(t.fake.violations).toEqual([]);
  });
});
