import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/schema/index.js';
import { event } from '../../src/sandbox/slack/requests.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { command, concluded, textOf } from './support.js';

// The digest names who of the project was away during its week, in one line.
const LEAD = 'U0DALEAD';
const ANA = 'U0DAANA';
const BEN = 'U0DABEN';
const CLARA = 'U0DACLARA';
const DORA = 'U0DADORA';
const EMIL = 'U0DAEMIL';
let t: TestApp;
let busy: Project;

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set('2026-11-25T10:00:00Z'); // Wednesday
  for (const id of [LEAD, ANA, BEN, CLARA, DORA, EMIL]) t.fake.addUser({ id, tz: 'UTC' });
  busy = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: 'C0DABUSY',
    lead: LEAD,
    members: [ANA, BEN],
  });
  await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: 'C0DAQUIET',
    lead: CLARA,
    name: 'Quiet one',
  });
  await concluded(t.labbook.db, busy, {
    status: 'validated',
    startedAt: '2026-11-16T09:00:00Z',
    concludedAt: '2026-11-23T12:00:00Z',
    result: 'recall@10 +6.2%',
  });
  await makeHypothesis(t.labbook.db, busy, { dueAt: new Date('2026-12-03T10:00:00Z') });
  // A project whose people nobody sets away.
  const calm = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: 'C0DACALM',
    lead: DORA,
    members: [EMIL],
    name: 'Calm one',
  });
  await concluded(t.labbook.db, calm, {
    status: 'disproven',
    startedAt: '2026-11-16T09:00:00Z',
    concludedAt: '2026-11-24T12:00:00Z',
    owner: EMIL,
  });
});
afterAll(() => t?.stop());

describe('the digest’s line of who is away this week', () => {
  it('is left out when nobody of the project was away', async () => {
    const shown = textOf({ body: await command(t, 'digest', DORA, 'C0DACALM') });
    expect(shown).toContain('Calm one');
    expect(shown).not.toContain('Away this week');
  });

  it('names those away by the away command and by their Slack status, with their last day', async () => {
    expect(textOf({ body: await command(t, 'away 2026-11-24 2026-11-30', ANA, 'C0DABUSY') })).toContain(
      'You are away',
    );
    // Ben's status, as Slack tells Labbook when he sets it: away until Sat 28 Nov 00:00 UTC.
    await event(t.target, {
      teamId: TEAM,
      event: {
        type: 'user_status_changed',
        user: {
          id: BEN,
          tz: 'UTC',
          profile: { status_emoji: ':palm_tree:', status_text: 'Vacation', status_expiration: 1795824000 },
        },
      },
    });
    await expect
      .poll(async () => {
        const row = await t.labbook.db
          .selectFrom('slack_users')
          .select('status_emoji')
          .where('user_id', '=', BEN)
          .executeTakeFirst();
        return row?.status_emoji;
      })
      .toBe(':palm_tree:');
    const shown = textOf({ body: await command(t, 'digest', LEAD, 'C0DABUSY') });
    expect(shown).toContain(
      `:palm_tree: Away this week: <@${ANA}> (away until Mon 30 Nov), <@${BEN}> (away until Fri 27 Nov)`,
    );
    expect(shown.split('Away this week')).toHaveLength(2);
  });

  it('shows in a quiet week’s digest too, and only the project’s own people', async () => {
    await command(t, 'away 2026-11-23 2026-11-25', CLARA, 'C0DAQUIET');
    const shown = textOf({ body: await command(t, 'digest', CLARA, 'C0DAQUIET') });
    expect(shown).toContain(`Away this week: <@${CLARA}> (away until Wed 25 Nov)`);
    expect(shown).not.toContain(ANA);
    expect(t.fake.violations).toEqual([]);
  });
});
