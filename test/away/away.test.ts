import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { event, slashCommand } from '../../src/sandbox/slack/requests.js';
import { ownCast } from '../support/ownCast.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis } from '../support/factories.js';

let t: TestApp;
let project: Project;
let CHANNEL: string;
let LEAD: string;
let OWNER: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());
beforeEach(async () => {
  ({ project, channel: CHANNEL, lead: LEAD, owner: OWNER } = await ownCast(t, 'C0AWAY', ++seq));
  // The workspace as installed (no holiday calendar, Mon–Fri), whatever a test before set:
  // Easter Monday, for one, is a Bavarian holiday.
  await t.labbook.db
    .updateTable('workspaces')
    .set({ holidays: null, working_hours_start: 9, working_hours_end: 18, working_days: [1, 2, 3, 4, 5] })
    .where('team_id', '=', TEAM)
    .execute();
});

const db = () => t.labbook.db;
const sweep = async () => {
  await t.labbook.scheduler.sweep();
  await t.labbook.scheduler.sweep();
};
const dmsTo = (user: string) => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === user);
const texts = (user: string) => dmsTo(user).map((c) => String(c.args.text));

async function dueHypothesis(dueAt: string, owner = OWNER): Promise<Hypothesis> {
  const h = await makeHypothesis(db(), project, { ownerUserId: owner, dueAt: new Date(dueAt) });
  await scheduleCheckIn(db(), h, new Date(dueAt));
  return h;
}

/** Runs `/hypothesis <text>` as `userId` in the project channel and returns the reply's text. */
async function hypothesis(text: string, userId = OWNER): Promise<string> {
  t.fake.reset();
  await slashCommand(t.target, {
    text,
    userId,
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl: t.fake.responseUrl(),
  });
  const [reply] = await t.fake.waitForResponse();
  return String(reply!.body.text);
}

describe('/hypothesis away', () => {
  it('holds a check-in through the away range and says why it is late', async () => {
    t.clock.set('2026-12-18T10:00:00Z'); // Friday
    expect(await hypothesis('away 2026-12-21 2027-01-04')).toContain(
      'You are away from Mon 21 Dec 2026 to Mon 4 Jan 2027 (both days)',
    );
    expect(await hypothesis('away')).toContain('You are away from Mon 21 Dec 2026');
    // Tue 22 Dec 10:00 Berlin.
    const h = await dueHypothesis('2026-12-22T09:00:00Z');
    t.fake.reset();
    for (const at of ['2026-12-22T09:00:00Z', '2026-12-28T09:00:00Z', '2027-01-04T09:00:00Z']) {
      t.clock.set(at);
      await sweep();
    }
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2027-01-05T07:59:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2027-01-05T08:00:00Z'); // Tue 5 Jan 09:00 Berlin: back.
    await sweep();
    expect(texts(OWNER)).toHaveLength(1);
    expect(JSON.stringify(dmsTo(OWNER)[0]!.args.blocks)).toContain(
      `You were away; H${h.number}'s timebox ended on Tue 22 Dec.`,
    );
    expect(t.fake.violations).toEqual([]);
  });

  it('answers a malformed or past range with a sentence and an example, and `off` ends it', async () => {
    t.clock.set('2026-12-18T10:00:00Z');
    expect(await hypothesis('away next week')).toMatch(
      /I could not read `next week`.*`\/hypothesis away 2026-12-21 2027-01-04`/,
    );
    expect(await hypothesis('away 2026-02-30 2026-03-02')).toContain('as dates, e.g.');
    expect(await hypothesis('away 2026-12-01 2026-12-10')).toContain('already over (today is 2026-12-18)');
    expect(await hypothesis('away 2027-01-04 2026-12-21')).toContain('The last day comes after the first');
    expect(await hypothesis('away until 2026-12-23')).toContain(
      'You are away from Fri 18 Dec 2026 to Wed 23 Dec 2026',
    );
    const h = await dueHypothesis('2026-12-18T10:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    expect(await hypothesis('away off')).toContain('no longer marked away');
    await sweep();
    expect(JSON.stringify(dmsTo(OWNER)[0]!.args.blocks)).toContain(`Time's up for H${h.number}`);
    expect(JSON.stringify(dmsTo(OWNER)[0]!.args.blocks)).not.toContain('You were away');
    expect(await hypothesis('away')).toContain('You are not marked away');
  });

  it('a lead may set a member of their project away; nobody else may', async () => {
    t.clock.set('2026-12-18T10:00:00Z');
    t.fake.addUser({ id: 'U0STRANGER', tz: 'UTC' });
    expect(await hypothesis(`away <@${LEAD}> 2026-12-21 2026-12-24`, OWNER)).toContain(
      'Only the project’s lead',
    );
    expect(await hypothesis(`away <@U0STRANGER> 2026-12-21 2026-12-24`, LEAD)).toContain(
      'Only the project’s lead',
    );
    expect(await hypothesis(`away <@${OWNER}|owner> 2026-12-21 2026-12-24`, LEAD)).toContain(
      `<@${OWNER}> is away from Mon 21 Dec 2026 to Thu 24 Dec 2026`,
    );
    const row = await db()
      .selectFrom('away_periods')
      .selectAll()
      .where('user_id', '=', OWNER)
      .executeTakeFirst();
    expect(row).toMatchObject({ starts_on: '2026-12-21', ends_on: '2026-12-24', set_by: LEAD });
  });

  it('after a daylight-saving change the owner is asked at 09:00 of their new offset', async () => {
    t.clock.set('2027-03-19T10:00:00Z');
    await hypothesis('away 2027-03-22 2027-03-26');
    await dueHypothesis('2027-03-23T10:00:00Z');
    t.fake.reset();
    t.clock.set('2027-03-29T06:59:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    // Berlin moved to CEST on Sun 28 Mar: 09:00 on Monday is 07:00 UTC, not 08:00.
    t.clock.set('2027-03-29T07:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
  });
});

describe('a Slack status that says away', () => {
  it('holds the check-in until the status expires, then says why it is late', async () => {
    // Away until Wed 9 Dec 2026 12:00 UTC.
    t.fake.addUser({
      id: OWNER,
      tz: 'Europe/Berlin',
      status: { emoji: ':palm_tree:', expiration: 1796817600 },
    });
    t.clock.set('2026-12-07T09:00:00Z');
    const h = await dueHypothesis('2026-12-07T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2026-12-09T11:59:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2026-12-09T12:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    expect(JSON.stringify(dmsTo(OWNER)[0]!.args.blocks)).toContain(`You were away; H${h.number}'s timebox`);
  });

  it('reads the status of someone who joined since the people were listed with users.profile.get', async () => {
    // A check-in goes out: the workspace's people are listed now, if they were not lately.
    t.clock.set('2026-12-07T09:00:00Z');
    await dueHypothesis('2026-12-07T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    // Then someone joins the project, on holiday until Wed 9 Dec 2026 12:00 UTC. The listing
    // still stands and does not have her: users.info gives her zone, users.profile.get her status.
    const newcomer = `U0NEWCOMER${seq}`;
    t.fake.addUser({
      id: newcomer,
      tz: 'Europe/Berlin',
      status: { emoji: ':palm_tree:', expiration: 1796817600 },
    });
    await db()
      .insertInto('project_members')
      .values({ team_id: TEAM, project_id: project.id, user_id: newcomer })
      .execute();
    await dueHypothesis('2026-12-07T09:00:00Z', newcomer);
    t.fake.reset();
    await sweep();
    expect(t.fake.okCallsTo('users.list')).toEqual([]);
    expect(t.fake.okCallsTo('users.profile.get').map((c) => c.args.user)).toEqual([newcomer]);
    expect(dmsTo(newcomer)).toEqual([]);
  });

  it('a status without expiry is read again each time; a status-change event lets it through', async () => {
    t.fake.addUser({ id: OWNER, tz: 'Europe/Berlin', status: { text: 'OOO, back soon' } });
    t.clock.set('2026-12-07T09:00:00Z'); // Monday
    await dueHypothesis('2026-12-07T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2026-12-08T08:00:00Z'); // Tuesday 09:00 Berlin: asked again, still OOO
    const asked = t.fake.okCallsTo('users.profile.get').length;
    await sweep();
    expect(t.fake.okCallsTo('users.profile.get').length).toBeGreaterThan(asked);
    expect(dmsTo(OWNER)).toEqual([]);

    // The status changes in Slack; the event reaches Labbook before the next delivery.
    t.fake.addUser({ id: OWNER, tz: 'Europe/Berlin', status: { emoji: ':coffee:', text: 'Focus time' } });
    await event(t.target, {
      teamId: TEAM,
      event: {
        type: 'user_status_changed',
        user: {
          id: OWNER,
          tz: 'Europe/Berlin',
          profile: { status_emoji: ':coffee:', status_text: 'Focus time', status_expiration: 0 },
        },
      },
    });
    await expect
      .poll(
        async () =>
          (
            await db()
              .selectFrom('slack_users')
              .select('status_text')
              .where('user_id', '=', OWNER)
              .executeTakeFirst()
          )?.status_text,
      )
      .toBe('Focus time');
    t.clock.set('2026-12-09T08:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
  });
});

describe('public holidays', () => {
  it('Epiphany holds a check-in in Bavaria (the workspace’s holidays) but not in New York (the owner’s own)', async () => {
    t.fake.addUser({ id: 'U0ADMIN', isAdmin: true });
    t.fake.addUser({ id: 'U0NEWYORK', tz: 'America/New_York' });
    await db()
      .insertInto('project_members')
      .values({ team_id: TEAM, project_id: project.id, user_id: 'U0NEWYORK' })
      .execute();
    t.clock.set('2027-01-04T10:00:00Z');
    expect(await hypothesis('hours holidays bavaria', 'U0ADMIN')).toContain(
      'I do not know the holidays of `bavaria`',
    );
    expect(await hypothesis('hours 9-18 mon-fri holidays de-by', OWNER)).toContain(
      'Only a workspace admin or owner',
    );
    expect(await hypothesis('hours 9-18 mon-fri holidays de-by', 'U0ADMIN')).toContain(
      'now go out 09:00–18:00, Mon–Fri, except public holidays in DE-BY',
    );
    expect(await hypothesis('hours my holidays US', 'U0NEWYORK')).toContain(
      'The public holidays of US are days off for you',
    );
    expect(await hypothesis('hours', 'U0NEWYORK')).toContain('Yours: those of US.');

    // Wed 6 Jan 2027, 12:00 UTC: 13:00 in Munich (a holiday), 07:00 in New York (not one).
    const bavarian = await dueHypothesis('2027-01-06T12:00:00Z');
    await dueHypothesis('2027-01-06T12:00:00Z', 'U0NEWYORK');
    t.fake.reset();
    t.clock.set('2027-01-06T14:00:00Z');
    await sweep();
    expect(dmsTo('U0NEWYORK')).toHaveLength(1);
    expect(dmsTo(OWNER)).toEqual([]);
    t.clock.set('2027-01-07T08:00:00Z'); // Thursday 09:00 in Munich
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    expect(JSON.stringify(dmsTo(OWNER)[0]!.args.blocks)).toContain(
      `H${bavarian.number}'s timebox ended on Wed 6 Jan`,
    );
  });

  it('the reminder comes a working day later, stepping over a holiday', async () => {
    await db().updateTable('workspaces').set({ holidays: 'DE-BY' }).where('team_id', '=', TEAM).execute();
    // Tue 5 Jan 2027, 10:00 Berlin; Wed 6 Jan is Epiphany.
    t.clock.set('2027-01-05T09:00:00Z');
    await dueHypothesis('2027-01-05T09:00:00Z');
    await sweep();
    expect(dmsTo(OWNER)).toHaveLength(1);
    const reminder = await db()
      .selectFrom('deliveries')
      .select('due_at')
      .where('kind', '=', 'reminder')
      .where('recipient_id', '=', OWNER)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(reminder.due_at.toISOString()).toBe('2027-01-07T09:00:00.000Z');
    await db().updateTable('workspaces').set({ holidays: null }).where('team_id', '=', TEAM).execute();
  });
});
