import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/schema/index.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { command, concluded, digestDeliveries, postsIn, textOf } from './support.js';

const LEAD = 'U0LEAD';
const MEMBER = 'U0MEMBER';
const CHANNEL = 'C0PROJECT';
let t: TestApp;
let project: Project;

beforeEach(async () => {
  t = await startTestApp({ clock: undefined });
  t.clock.set('2026-11-25T10:00:00Z'); // Wednesday
  t.fake.addUser({ id: LEAD, tz: 'Europe/Berlin' });
  t.fake.addUser({ id: MEMBER, tz: 'UTC' });
  t.fake.addUser({ id: 'U0OWNER', tz: 'UTC' });
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: LEAD,
    members: [MEMBER],
  });
});
afterEach(() => t?.stop());

const db = () => t.labbook.db;
const sweep = () => t.labbook.scheduler.sweep();

/** A week with something of everything: two dead ends in all, one validated, one overdue, one running. */
async function busyWeek() {
  await concluded(db(), project, {
    status: 'disproven',
    startedAt: '2026-09-20T10:00:00Z',
    concludedAt: '2026-10-01T10:00:00Z',
  });
  await concluded(db(), project, {
    status: 'disproven',
    startedAt: '2026-11-10T09:00:00Z',
    concludedAt: '2026-11-24T09:00:00Z',
    timeboxDays: 7,
    extensions: 1,
    statement: 'Focal loss beats cross-entropy on rare intents',
    result: 'recall@10 -0.4%',
    learnings: 'Focal loss hurts calibration on head classes',
  });
  await concluded(db(), project, {
    status: 'validated',
    startedAt: '2026-11-16T09:00:00Z',
    concludedAt: '2026-11-23T12:00:00Z',
    timeboxDays: 7,
    statement: 'Oversampling rare intents lifts recall',
    result: 'recall@10 +6.2%',
    learnings: 'Rare intents need data, not a new loss',
  });
  await makeHypothesis(db(), project, {
    statement: 'Distil the ranker',
    dueAt: new Date('2026-11-24T10:00:00Z'),
  });
  await makeHypothesis(db(), project, {
    statement: 'Hard negatives',
    dueAt: new Date('2026-12-03T10:00:00Z'),
  });
}

describe('/hypothesis digest', () => {
  it('shows anyone this week so far, privately, and when the next digest goes out', async () => {
    await busyWeek();
    const reply = await command(t, 'digest', MEMBER, CHANNEL);
    const text = textOf({ body: reply });
    expect(text).toContain('Preview of this week so far');
    expect(text).toContain('The next digest goes out Fri 27 Nov 2026, 16:00 (Europe/Berlin)');
    // What happened, without zero counts; calibration once.
    expect(text).toContain('*2 concluded this week:* 1 disproven, 1 validated');
    expect(text).not.toMatch(/\b0 (inconclusive|abandoned)/);
    expect(text.split('Timebox calibration')).toHaveLength(2);
    expect(text).toContain('*Knowledge gained*');
    expect(text).toContain('Learned: Focal loss hurts calibration on head classes');
    expect(text).toContain('_(took 14 days)_');
    expect(text).toContain('2 dead ends ruled out since the project started');
    expect(text).toContain('Result: recall@10 +6.2%');
    // Running, soonest due first, the overdue one marked with how long.
    expect(text).toMatch(/Distil the ranker — <@U0OWNER>, due .*overdue by 1 day\*.*Hard negatives/);
    // 2.0× and 1.0×: median 1.5; one of two extended.
    expect(text).toContain('hypotheses took 1.5× their timebox on median; 1 of 2 were extended');
    // Knowledge gained comes before validated.
    expect(text.indexOf('Knowledge gained')).toBeLessThan(text.indexOf('*Validated*'));
    expect(postsIn(t, CHANNEL)).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });

  it('the lead posts it now, the chart a real PNG drawn in the message itself; others may not', async () => {
    await busyWeek();
    const refused = await command(t, 'digest post', MEMBER, CHANNEL);
    expect(refused.text).toBe(
      `Only the project lead <@${LEAD}> can post the digest now; \`/hypothesis digest\` shows it to you.`,
    );
    // Nothing private comes back: the digest itself in the channel is the answer.
    await slashCommand(t.target, {
      text: 'digest post',
      userId: LEAD,
      teamId: TEAM,
      channelId: CHANNEL,
      responseUrl: t.fake.responseUrl(),
    });
    const [posted] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === CHANNEL);
    expect(textOf(posted!)).toContain('Weekly digest · Search ranking');
    await t.fake.waitFor('files.completeUploadExternal');
    const [png] = t.fake.uploads;
    // Uploaded first, shared nowhere, and drawn by an image block of the top-level message.
    expect(png!.channelId).toBeUndefined();
    expect(posted!.args.blocks).toContainEqual(
      expect.objectContaining({ type: 'image', slack_file: { id: png!.fileId } }),
    );
    expect(png!.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png!.bytes.length).toBeGreaterThan(5_000);
    // IHDR: width and height, big-endian, at bytes 16 and 20 (rendered at 2×).
    expect(png!.bytes.readUInt32BE(16)).toBeGreaterThan(1000);
    expect(png!.bytes.readUInt32BE(20)).toBeGreaterThan(400);
    expect(t.fake.violations).toEqual([]);
  });
});

describe('what the commands say to input they cannot use', () => {
  it('an unknown digest word and an unknown export target get a sentence with examples', async () => {
    const digest = await command(t, 'digest monthly', LEAD, CHANNEL);
    expect(digest.text).toBe(
      'I do not know `digest monthly`. Try `/hypothesis digest` for a preview, `/hypothesis digest post`, `/hypothesis digest weekly fri 16:00 Europe/Berlin` or `/hypothesis digest off`.',
    );
    const exported = await command(t, 'export there', LEAD, CHANNEL);
    expect(exported.text).toBe(
      'Try `/hypothesis export` (sent to you) or `/hypothesis export here` (this channel).',
    );
    expect(t.fake.uploads).toEqual([]);
  });

  it('in a channel with no project the preview says how to get a team-wide digest', async () => {
    const reply = await command(t, 'digest', MEMBER, 'C0NOPROJECT');
    expect(reply.text).toBe(
      "This channel has no project. `/hypothesis digest weekly fri 16:00 Europe/Berlin` here sends it one digest across all the workspace's projects every week; `/hypothesis project` creates a project for it.",
    );
  });

  it('`help` lists digest and export', async () => {
    const reply = await command(t, 'help', MEMBER, CHANNEL);
    expect(textOf({ body: reply })).toContain('digest [post | weekly fri 16:00 [Europe/Berlin] | off]');
    expect(textOf({ body: reply })).toContain('export [here]');
  });
});

describe('the scheduled digest', () => {
  it('every project gets one by default, Friday 16:00 in the lead’s zone, then weekly', async () => {
    await busyWeek();
    await sweep();
    const [first] = await digestDeliveries(db(), CHANNEL);
    // Scheduled before the lead's zone is known: at the earliest Friday 16:00 on Earth.
    expect(first!.due_at).toEqual(new Date('2026-11-27T02:00:00Z'));
    expect(first!.dedupe_key).toBe(`digest:${CHANNEL}:2026-11-23`);
    t.clock.set('2026-11-27T02:00:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toEqual([]);
    t.clock.set('2026-11-27T14:59:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toEqual([]);
    t.clock.set('2026-11-27T15:00:00Z'); // 16:00 in Berlin
    await sweep();
    const posts = postsIn(t, CHANNEL);
    expect(posts).toHaveLength(1);
    expect(textOf(posts[0]!)).toContain('Knowledge gained');
    await t.fake.waitFor('files.completeUploadExternal');
    const rows = await digestDeliveries(db(), CHANNEL);
    expect(rows.map((r) => [r.status, r.due_at.toISOString()])).toEqual([
      ['sent', '2026-11-27T02:00:00.000Z'],
      ['pending', '2026-12-04T15:00:00.000Z'],
    ]);
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    expect(t.fake.violations).toEqual([]);
  });

  it('the lead sets the day, time and zone; bad input and other people change nothing', async () => {
    await busyWeek();
    await sweep();
    const bad = await command(t, 'digest weekly someday 16:00', LEAD, CHANNEL);
    expect(bad.text).toBe(
      'I could not read `someday 16:00`. Start with a weekday (mon … sun). For example `/hypothesis digest weekly fri 16:00 Europe/Berlin` (the zone is optional). Nothing was changed.',
    );
    const refused = await command(t, 'digest weekly mon 09:00', MEMBER, CHANNEL);
    expect(refused.text).toBe(
      `Only the project lead <@${LEAD}> or a workspace admin can change this project's digest.`,
    );
    expect(await db().selectFrom('digest_settings').selectAll().execute()).toEqual([]);

    const set = await command(t, 'digest weekly thu 09:30 America/New_York', LEAD, CHANNEL);
    expect(set.text).toBe(
      'The digest of *Search ranking* now goes out here every Thursday at 09:30 (America/New_York). Next: Thu 26 Nov 2026, 09:30.',
    );
    const rows = await digestDeliveries(db(), CHANNEL);
    expect(rows.filter((r) => r.status === 'pending').map((r) => r.due_at)).toEqual([
      new Date('2026-11-26T14:30:00Z'),
    ]);
    t.clock.set('2026-11-26T14:30:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    // Moved back to Friday within the same week: still one digest this week.
    const moved = await command(t, 'digest weekly fri 16:00', LEAD, CHANNEL);
    expect(moved.text).toBe(
      "The digest of *Search ranking* now goes out here every Friday at 16:00 (Europe/Berlin), the lead's Slack zone. Next: Fri 4 Dec 2026, 16:00.",
    );
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    const off = await command(t, 'digest off', LEAD, CHANNEL);
    expect(off.text).toContain('Weekly digests are off in this channel.');
    t.clock.set('2026-12-04T15:00:00Z');
    await sweep();
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    expect((await digestDeliveries(db(), CHANNEL)).filter((r) => r.status === 'pending')).toEqual([]);
    const preview = await command(t, 'digest', MEMBER, CHANNEL);
    expect(textOf({ body: preview })).toContain('Weekly digests are off here');
  });

  it('a workspace admin who is not the lead may change the project’s digest too', async () => {
    t.fake.addUser({ id: 'U0ADMIN', tz: 'UTC', isAdmin: true });
    const set = await command(t, 'digest weekly thu 09:30 America/New_York', 'U0ADMIN', CHANNEL);
    expect(set.text).toContain('The digest of *Search ranking* now goes out here every Thursday at 09:30');
    expect(await db().selectFrom('digest_settings').select(['weekday', 'set_by']).execute()).toEqual([
      { weekday: 4, set_by: 'U0ADMIN' },
    ]);
  });

  it('a quiet week says so in one line', async () => {
    await concluded(db(), project, {
      status: 'validated',
      startedAt: '2026-11-01T10:00:00Z',
      concludedAt: '2026-11-10T10:00:00Z',
    });
    await makeHypothesis(db(), project, { dueAt: new Date('2026-12-03T10:00:00Z') });
    await makeHypothesis(db(), project, { dueAt: new Date('2026-12-10T10:00:00Z') });
    await makeHypothesis(db(), project, { dueAt: new Date('2026-12-17T10:00:00Z') });
    await sweep();
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    await sweep();
    const [post] = postsIn(t, CHANNEL);
    expect(post!.args.text).toBe(
      '*Search ranking*: no hypothesis concluded this week; 3 running, next due Thursday.',
    );
    expect(post!.args.blocks).toHaveLength(1);
    expect(t.fake.uploads).toEqual([]);
  });

  it('four weeks with nothing running and nothing concluded: no digest, and the next week is still scheduled', async () => {
    await concluded(db(), project, {
      status: 'disproven',
      startedAt: '2026-10-01T10:00:00Z',
      concludedAt: '2026-10-22T10:00:00Z',
    });
    await sweep();
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    await sweep();
    expect(postsIn(t, CHANNEL)).toEqual([]);
    const rows = await digestDeliveries(db(), CHANNEL);
    expect(rows.map((r) => [r.status, r.dedupe_key])).toEqual([
      ['cancelled', `digest:${CHANNEL}:2026-11-23`],
      ['pending', `digest:${CHANNEL}:2026-11-30`],
    ]);
  });

  it('a digest missed while every replica was down goes out the same week, else is skipped and the next covers it', async () => {
    await busyWeek();
    await sweep();
    t.clock.set('2026-11-26T12:00:00Z');
    await sweep(); // the lead's zone is looked up; the digest waits for Friday 15:00 UTC
    // Down from Thursday to Sunday: still the same week, so it goes out on return.
    t.clock.set('2026-11-29T20:00:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    // Down from before Friday 4 Dec to after Friday 11 Dec: that week is skipped.
    await concluded(db(), project, {
      status: 'disproven',
      startedAt: '2026-11-28T10:00:00Z',
      concludedAt: '2026-12-02T10:00:00Z',
      statement: 'Bigger batch size helps',
      learnings: 'It does not',
    });
    t.clock.set('2026-12-11T16:00:00Z');
    await sweep();
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    const rows = await digestDeliveries(db(), CHANNEL);
    expect(rows.map((r) => [r.status, r.dedupe_key])).toEqual([
      ['sent', `digest:${CHANNEL}:2026-11-23`],
      ['cancelled', `digest:${CHANNEL}:2026-11-30`],
      ['pending', `digest:${CHANNEL}:2026-12-14`],
    ]);
    // The next digest covers the skipped week: the dead end of 2 Dec is in it.
    t.clock.set('2026-12-18T15:00:00Z');
    await sweep();
    const posts = postsIn(t, CHANNEL);
    expect(posts).toHaveLength(2);
    expect(textOf(posts[1]!)).toContain('Bigger batch size helps');
    expect(textOf(posts[1]!)).toContain('Fri 27 Nov 2026 – Fri 18 Dec 2026');
  });

  it('what a deferred digest reported is not repeated the week after', async () => {
    await busyWeek();
    await sweep(); // scheduled at the earliest Friday 16:00 on Earth: 02:00 UTC
    await concluded(db(), project, {
      status: 'disproven',
      startedAt: '2026-11-20T10:00:00Z',
      concludedAt: '2026-11-27T10:00:00Z', // after that, before 16:00 in Berlin
      statement: 'Label smoothing helps',
      learnings: 'Not on this data',
    });
    t.clock.set('2026-11-27T02:00:00Z');
    await sweep(); // deferred to Berlin's slot
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    expect(textOf(postsIn(t, CHANNEL)[0]!)).toContain('Label smoothing helps');
    t.clock.set('2026-12-04T15:00:00Z');
    await sweep();
    const posts = postsIn(t, CHANNEL);
    expect(posts).toHaveLength(2);
    expect(textOf(posts[1]!)).not.toContain('Label smoothing helps');
  });

  it('the digest still goes out when the chart upload fails', async () => {
    await busyWeek();
    await sweep();
    t.fake.fail('files.getUploadURLExternal', { kind: 'error', error: 'internal_error' });
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    expect(t.fake.uploads).toEqual([]);
    expect((await digestDeliveries(db(), CHANNEL))[0]!.status).toBe('sent');
    expect(t.logs.some((l) => l.includes('digest chart upload failed; the digest goes without it'))).toBe(
      true,
    );
    expect(JSON.stringify(postsIn(t, CHANNEL)[0]!.args.blocks)).not.toContain('"image"');
  });

  it('an archived channel stops the digest and tells the lead once how to fix it', async () => {
    await busyWeek();
    await sweep();
    t.clock.set('2026-11-26T12:00:00Z');
    await sweep(); // the lead's zone is looked up
    t.fake.addChannel({ id: CHANNEL, archived: true });
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    await sweep();
    const notices = () => t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === LEAD);
    expect(notices()).toHaveLength(1);
    expect(notices()[0]!.args.text).toBe(
      `:no_entry: I stopped the weekly digest of *Search ranking* in <#${CHANNEL}>: Slack says \`is_archived\`. Unarchive <#${CHANNEL}>, then run \`/hypothesis digest weekly fri 16:00\` there to start it again.`,
    );
    t.clock.set('2026-12-04T15:00:00Z');
    await sweep();
    await sweep();
    expect(notices()).toHaveLength(1);
    expect(postsIn(t, CHANNEL)).toEqual([]);
    const preview = await command(t, 'digest', MEMBER, CHANNEL);
    expect(textOf({ body: preview })).toContain('Slack says `is_archived`');
    // Fixed: unarchived, and the schedule set again.
    t.fake.addChannel({ id: CHANNEL, archived: false });
    await command(t, 'digest weekly fri 16:00', LEAD, CHANNEL);
    t.clock.set('2026-12-11T15:00:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
  });

  it('a private channel that removed the bot stops the digest too', async () => {
    t.fake.addChannel({ id: CHANNEL, private: true, botMember: false });
    await busyWeek();
    await sweep();
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    await sweep();
    const [notice] = t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === LEAD);
    expect(notice!.args.text).toContain('Slack says `channel_not_found`');
    expect((await db().selectFrom('digest_settings').select('stopped_reason').execute())[0]).toEqual({
      stopped_reason: 'channel_not_found',
    });
  });

  it('429s and 5xx are retried, and the digest goes out once', async () => {
    await busyWeek();
    await sweep();
    t.clock.set('2026-11-26T12:00:00Z');
    await sweep();
    t.fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 }, { kind: 'http', status: 503 });
    t.clock.set('2026-11-27T15:00:00Z');
    expect((await sweep()).retried).toBe(1);
    t.clock.set('2026-11-27T15:00:30Z');
    expect((await sweep()).retried).toBe(1);
    // The 429 was no failed attempt, so the 503 backs off the first step: 30 s.
    t.clock.set('2026-11-27T15:00:59Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toEqual([]);
    t.clock.set('2026-11-27T15:01:00Z');
    await sweep();
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    const [row] = await digestDeliveries(db(), CHANNEL);
    expect([row!.status, row!.attempts]).toEqual(['sent', 2]);
  });

  it('a retry after a 5xx on the post reuses the chart it uploaded: one file, drawn in the digest', async () => {
    await busyWeek();
    await sweep();
    t.clock.set('2026-11-26T12:00:00Z');
    await sweep();
    t.fake.fail('chat.postMessage', { kind: 'http', status: 503 });
    t.clock.set('2026-11-27T15:00:00Z');
    expect((await sweep()).retried).toBe(1);
    expect(t.fake.uploads).toHaveLength(1);
    t.clock.set('2026-11-27T15:00:30Z');
    await sweep();
    const posts = postsIn(t, CHANNEL);
    expect(posts).toHaveLength(1);
    const [chart] = t.fake.uploads;
    expect(t.fake.uploads).toHaveLength(1);
    expect(t.fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(posts[0]!.args.blocks).toContainEqual(
      expect.objectContaining({ type: 'image', slack_file: { id: chart!.fileId } }),
    );
    const [row] = await digestDeliveries(db(), CHANNEL);
    expect([row!.status, row!.attempts]).toEqual(['sent', 2]);
    expect(await db().selectFrom('digest_charts').select(['delivery_id', 'file_id']).execute()).toEqual([
      { delivery_id: row!.id, file_id: chart!.fileId },
    ]);
    expect(t.fake.violations).toEqual([]);
  });

  it('an outage that outlasts every retry skips the week: the digest keeps going and nobody is told to invite the bot back', async () => {
    await busyWeek();
    await sweep();
    t.clock.set('2026-11-27T15:00:00Z');
    await sweep();
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    await concluded(db(), project, {
      status: 'disproven',
      startedAt: '2026-11-28T10:00:00Z',
      concludedAt: '2026-12-02T10:00:00Z',
      statement: 'Bigger batch size helps',
      learnings: 'It does not',
    });
    // Slack answers 503 to every post from Friday 4 Dec, 16:00 Berlin, until the scheduler gives up.
    t.fake.fail(
      'chat.postMessage',
      ...Array.from({ length: 12 }, () => ({ kind: 'http' as const, status: 503 })),
    );
    let at = new Date('2026-12-04T15:00:00Z').getTime();
    for (let i = 0; i < 12; i++, at += 3_600_000) {
      t.clock.set(new Date(at).toISOString());
      await sweep();
    }
    const rows = await digestDeliveries(db(), CHANNEL);
    expect(rows.map((r) => [r.status, r.last_error, r.dedupe_key])).toEqual([
      ['sent', null, `digest:${CHANNEL}:2026-11-23`],
      ['failed', 'http 503', `digest:${CHANNEL}:2026-11-30`],
      ['pending', null, `digest:${CHANNEL}:2026-12-07`],
    ]);
    expect(await db().selectFrom('digest_settings').selectAll().execute()).toEqual([]);
    expect(t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === LEAD)).toEqual([]);
    expect(t.logs.some((l) => l.includes('next week’s digest will cover this week'))).toBe(true);

    // Slack is back: the next Friday's digest goes out and covers the missed week too.
    t.clock.set('2026-12-11T15:00:00Z');
    await sweep();
    await sweep();
    const posts = postsIn(t, CHANNEL);
    expect(posts).toHaveLength(2);
    expect(textOf(posts[1]!)).toContain('Bigger batch size helps');
    expect(textOf(posts[1]!)).toContain('Fri 27 Nov 2026 – Fri 11 Dec 2026');
    expect(t.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === LEAD)).toEqual([]);
    expect(t.fake.violations).toEqual([]);
  });
});
