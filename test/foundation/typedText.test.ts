import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { event, messageShortcut, slashCommand } from '../../src/sandbox/slack/requests.js';
import { meetingDriver } from '../meetings/support.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { defaultFields, makeProject } from '../support/factories.js';
import { submit, viewOpenedBy } from '../support/modals.js';

/**
 * A NUL byte or half of a surrogate pair in what someone typed (a paste from a binary file,
 * an emoji cut in two) is refused by PostgreSQL. Each way text comes in (a form, a thread
 * reply, a slash command, a message shortcut) drops those and stores the rest as typed.
 */
const NUL = '\u0000';
const HIGH = '\uD83E'; // the first half of 🧪, alone
const LOW = '\uDDEA'; // the second half, alone

let t: TestApp;
const CHANNEL = 'C0TYPED';
const LEAD = 'U0TYPEDLEAD';
const ALICE = 'U0TYPEDALICE';

beforeAll(async () => {
  t = await startTestApp();
  t.fake.addUser({ id: LEAD, tz: 'UTC', isAdmin: true });
  t.fake.addUser({ id: ALICE, tz: 'UTC' });
  await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: LEAD, members: [ALICE] });
});
afterAll(() => t?.stop());

const db = () => t.labbook.db;

describe('text people type reaches the database without what PostgreSQL refuses', () => {
  it('a form value: the new-hypothesis modal', async () => {
    const view = await viewOpenedBy(t.fake, ids.hypothesis.newModal, () =>
      slashCommand(t.target, {
        text: 'new',
        userId: ALICE,
        teamId: TEAM,
        channelId: CHANNEL,
        responseUrl: t.fake.responseUrl(),
      }),
    );
    const reply = await submit(t.target, { userId: ALICE, teamId: TEAM }, view, {
      Hypothesis: `Batch${NUL} norm helps 🧪${HIGH} on small${LOW} data`,
      Metric: defaultFields.metric,
      Baseline: defaultFields.baseline,
      'Success criteria': defaultFields.successCriteria,
      'Timebox (days)': '14',
    });
    expect(reply.status).toBe(200);
    const stored = await db()
      .selectFrom('hypotheses')
      .select('statement')
      .where('owner_user_id', '=', ALICE)
      .executeTakeFirstOrThrow();
    expect(stored.statement).toBe('Batch norm helps 🧪 on small data');
  });

  it('a thread reply: kept as an informal proposal of a decision meeting', async () => {
    t.clock.set('2026-11-23T10:00:00Z');
    const d = meetingDriver(t, TEAM);
    await d.callMeeting(LEAD, CHANNEL, {
      question: 'Which model do we try next?',
      scheduledAt: String(Date.parse('2026-11-26T10:00:00Z') / 1000),
      metric: 'recall@10',
    });
    await d.kickoff(CHANNEL);
    await expect.poll(async () => (await d.meeting()).thread_ts).toBeTruthy();
    const meeting = await d.meeting();
    await event(t.target, {
      teamId: TEAM,
      event: {
        type: 'message',
        channel: CHANNEL,
        channel_type: 'channel',
        user: ALICE,
        text: `Two${NUL}-tower 🧪${LOW} retrieval${HIGH}`,
        ts: '1800000000.000100',
        thread_ts: meeting.thread_ts!,
      },
    });
    const informal = () =>
      db().selectFrom('proposals').select('approach').where('meeting_id', '=', meeting.id).execute();
    await expect
      .poll(async () => (await informal()).map((p) => p.approach))
      .toEqual(['Two-tower 🧪 retrieval']);
  });

  it('slash command text: /hypothesis hours', async () => {
    await slashCommand(t.target, {
      text: `hours 8-1${NUL}7 sun${NUL}-thu`,
      userId: LEAD,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    await t.fake.waitForResponse((r) => JSON.stringify(r.body).includes('now go out'));
    const ws = await db()
      .selectFrom('workspaces')
      .select(['working_hours_start', 'working_hours_end', 'working_days'])
      .where('team_id', '=', TEAM)
      .executeTakeFirstOrThrow();
    expect(ws).toEqual({ working_hours_start: 8, working_hours_end: 17, working_days: [1, 2, 3, 4, 7] });
  });

  it('a message shortcut: the message added to the experiment log', async () => {
    const ts = t.fake.addMessage(CHANNEL, { text: 'loss spiked' });
    await messageShortcut(t.target, {
      userId: ALICE,
      teamId: TEAM,
      callbackId: ids.log.addMessage,
      channelId: CHANNEL,
      messageTs: ts,
      messageText: `Loss${NUL} spiked at step 12k 🧪${LOW}${HIGH}`,
      responseUrl: t.fake.responseUrl(),
    });
    const note = () =>
      db()
        .selectFrom('experiment_log_entries')
        .select('text')
        .where('kind', '=', 'note')
        .where('author_user_id', '=', ALICE)
        .execute();
    await expect.poll(async () => (await note()).map((n) => n.text)).toEqual(['Loss spiked at step 12k 🧪']);
  });
});
