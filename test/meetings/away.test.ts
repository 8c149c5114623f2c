import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awayThrough } from '../../src/rituals/away/away.js';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../../src/rituals/checkins/workingHours.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeProject } from '../support/factories.js';
import { meetingDriver } from './support.js';

const at = (iso: string) => new Date(iso);
const withRange = (startsOn: string, endsOn: string): WorkingHours => ({
  ...DEFAULT_WORKING_HOURS,
  isDayOff: (date) => startsOn <= date && date <= endsOn,
});

describe('away through a deadline', () => {
  const deadline = at('2026-11-25T10:00:00Z'); // Wednesday
  const base = { from: at('2026-11-23T10:00:00Z'), deadline, tz: 'UTC', status: undefined };

  it('is away when the away range leaves no working moment before the deadline, until its last day', () => {
    const range = { startsOn: '2026-11-23', endsOn: '2026-11-27' };
    expect(awayThrough({ ...base, range, hours: withRange(range.startsOn, range.endsOn) })).toEqual({
      lastDay: '2026-11-27',
    });
  });

  it('is not away when a working day comes before the deadline, or for a weekend alone', () => {
    const range = { startsOn: '2026-11-24', endsOn: '2026-11-27' };
    expect(awayThrough({ ...base, range, hours: withRange(range.startsOn, range.endsOn) })).toBeUndefined();
    // Called Friday evening, due Monday 09:00: nobody is away, whatever the weekend.
    expect(
      awayThrough({
        ...base,
        from: at('2026-11-20T19:00:00Z'),
        deadline: at('2026-11-23T09:00:00Z'),
        range: undefined,
        hours: DEFAULT_WORKING_HOURS,
      }),
    ).toBeUndefined();
  });

  it('a Slack status counts until it expires; without an expiry, with no last day', () => {
    const hours = DEFAULT_WORKING_HOURS;
    expect(
      awayThrough({ ...base, range: undefined, hours, status: { until: at('2026-11-28T00:00:00Z') } }),
    ).toEqual({ lastDay: '2026-11-27' });
    expect(awayThrough({ ...base, range: undefined, hours, status: { until: null } })).toEqual({
      lastDay: null,
    });
    // Back on Tuesday: a day to propose before Wednesday's deadline.
    expect(
      awayThrough({ ...base, range: undefined, hours, status: { until: at('2026-11-24T00:00:00Z') } }),
    ).toBeUndefined();
  });
});

let t: TestApp;
let d: ReturnType<typeof meetingDriver>;
const CHANNEL = 'C0AWAYMEET';
const LEAD = 'U0AMLEAD';
const ALICE = 'U0AMALICE';
const BOB = 'U0AMBOB';
const CAROL = 'U0AMCAROL';
const epoch = (iso: string) => String(Math.floor(new Date(iso).getTime() / 1000));

beforeAll(async () => {
  t = await startTestApp();
  d = meetingDriver(t, TEAM);
  for (const id of [LEAD, ALICE, BOB]) t.fake.addUser({ id, tz: 'UTC' });
  // Away by Slack status until Saturday 28 Nov 00:00 UTC.
  t.fake.addUser({ id: CAROL, tz: 'UTC', status: { emoji: ':airplane:', expiration: 1795824000 } });
  await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: LEAD,
    members: [ALICE, BOB, CAROL],
  });
});
afterAll(() => t?.stop());
beforeEach(() => t.fake.reset());

const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);

describe('a meeting whose participants are away through the proposal deadline', () => {
  it('shows them as away in the kickoff and the pre-read, and sends them no reminder', async () => {
    t.clock.set('2026-11-23T10:00:00Z'); // Monday
    await d.command('away 2026-11-23 2026-11-27', ALICE, CHANNEL);
    await t.fake.waitForResponse();
    await d.callMeeting(LEAD, CHANNEL, {
      question: 'Which model do we try next?',
      scheduledAt: epoch('2026-11-26T10:00:00Z'),
      deadline: epoch('2026-11-25T10:00:00Z'),
      participants: [ALICE, BOB, CAROL],
    });
    const kickoff = JSON.stringify((await d.kickoff(CHANNEL)).args.blocks);
    expect(kickoff).toContain(`<@${ALICE}> (away until Fri 27 Nov)`);
    expect(kickoff).toContain(`<@${CAROL}> (away until Fri 27 Nov)`);
    expect(kickoff).not.toContain(`<@${BOB}> (away`);

    for (const iso of [
      '2026-11-23T10:00:00Z',
      '2026-11-23T15:00:00Z',
      '2026-11-24T10:00:00Z',
      '2026-11-24T17:00:00Z',
    ]) {
      t.clock.set(iso);
      await t.labbook.scheduler.sweep();
    }
    expect(dmsTo(BOB).map((c) => String(c.args.text).split(':')[0])).toEqual([
      'Decision meeting',
      'Reminder',
    ]);
    expect(dmsTo(ALICE)).toEqual([]);
    expect(dmsTo(CAROL)).toEqual([]);

    t.clock.set('2026-11-25T10:00:00Z');
    await t.labbook.scheduler.sweep();
    await t.labbook.scheduler.sweep();
    const preread = t.fake
      .okCallsTo('chat.postMessage')
      .find((c) => c.args.channel === CHANNEL && String(c.args.text).startsWith('Pre-read'));
    const shown = JSON.stringify(preread!.args.blocks);
    expect(shown).toContain(`*No proposal from* <@${BOB}>`);
    expect(shown).toContain(
      `*Away through the deadline:* <@${ALICE}> (away until Fri 27 Nov), <@${CAROL}> (away until Fri 27 Nov)`,
    );
    expect(dmsTo(ALICE)).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });
});
