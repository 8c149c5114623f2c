import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLog } from '../../src/db/experimentLog.js';
import { insertMeeting, updateMeeting } from '../../src/db/meetings.js';
import type { Project } from '../../src/db/schema/index.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeProject } from '../support/factories.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';
import { concluded } from './support.js';

const LEAD = 'U0LEAD';
const CHANNEL = 'C0EXPORT';
let t: TestApp;
let project: Project;

const awkward = [
  'Plain note',
  'Commas, "quotes" and\na second line',
  '=HYPERLINK("http://evil.example","click")',
  '-1% on head classes; ✓ naïve café',
];

beforeAll(async () => {
  t = await startTestApp();
  t.fake.addUser({ id: LEAD, tz: 'UTC', realName: 'Lena Lead' });
  t.fake.addUser({ id: 'U0OWNER', tz: 'UTC', realName: 'Omar Owner' });
  t.fake.addUser({ id: 'U0MIRA', tz: 'UTC', realName: 'Mira Ng' });
  project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: LEAD });
  const h = await concluded(t.labbook.db, project, {
    status: 'disproven',
    startedAt: '2026-11-02T10:00:00Z',
    concludedAt: '2026-11-12T10:00:00Z',
    statement: 'Focal loss beats cross-entropy',
    result: 'recall -0.4%',
    learnings: 'Calibration suffers',
  });
  await t.labbook.db
    .insertInto('hypothesis_extensions')
    .values({
      team_id: TEAM,
      hypothesis_id: h.id,
      extension_number: 1,
      previous_due_at: new Date('2026-11-09T10:00:00Z'),
      new_due_at: new Date('2026-11-12T10:00:00Z'),
      reason: 'GPU queue was full',
      extended_by: LEAD,
    })
    .execute();
  // A decided meeting, which logs its decision: the export shows it once.
  const meeting = await insertMeeting(t.labbook.db, {
    teamId: TEAM,
    projectId: project.id,
    channelId: CHANNEL,
    question: 'Which loss next?',
    scheduledAt: new Date('2026-11-14T10:00:00Z'),
    deadline: new Date('2026-11-13T10:00:00Z'),
    participants: [LEAD],
    metric: null,
    createdBy: LEAD,
    at: new Date('2026-11-09T10:00:00Z'),
  });
  await updateMeeting(t.labbook.db, TEAM, meeting.id, {
    status: 'decided',
    decision: 'Keep cross-entropy, tune the sampler',
    decided_by: LEAD,
    decided_at: new Date('2026-11-14T11:00:00Z'),
  });
  await appendLog(t.labbook.db, {
    teamId: TEAM,
    projectId: project.id,
    meetingId: meeting.id,
    kind: 'decision',
    authorUserId: LEAD,
    text: 'Decided: Which loss next? — Keep cross-entropy, tune the sampler',
    at: new Date('2026-11-14T11:00:00Z'),
  });
  // A message added to the log from Slack: its markup, and where it was said.
  await appendLog(t.labbook.db, {
    teamId: TEAM,
    projectId: project.id,
    kind: 'note',
    authorUserId: 'U0MIRA',
    text: 'Ask <@U0OWNER> about <https://wandb.ai/acme/search/runs/3f2a|the W&amp;B run> &amp; <https://example.com/x>',
    permalink: 'https://fake.slack.com/archives/C0EXPORT/p1700000000000100',
    at: new Date('2026-11-15T10:00:00Z'),
  });
  for (const [i, text] of awkward.entries()) {
    await appendLog(t.labbook.db, {
      teamId: TEAM,
      projectId: project.id,
      hypothesisId: i === 1 ? h.id : null,
      kind: i === 3 ? 'decision' : 'note',
      authorUserId: LEAD,
      text,
      at: new Date(`2026-11-1${i}T10:00:00Z`),
    });
  }
});
afterAll(() => t?.stop());

async function exportWith(text: string) {
  t.fake.reset();
  await slashCommand(t.target, {
    text,
    userId: LEAD,
    teamId: TEAM,
    channelId: CHANNEL,
    responseUrl: t.fake.responseUrl(),
  });
  await t.fake.waitFor('files.completeUploadExternal');
  return t.fake.uploads;
}

describe('/hypothesis export', () => {
  it('sends the caller the whole record as Markdown and the log as CSV that parses back', async () => {
    const uploads = await exportWith('export');
    expect(uploads.map((u) => [u.filename, u.channelId])).toEqual([
      ['Search-ranking-record.md', `D${LEAD}`],
      ['Search-ranking-log.csv', `D${LEAD}`],
    ]);
    const md = uploads[0]!.content;
    expect(md).toContain('# Search ranking — design document');
    expect(md).toContain('Rare intents are missed.');
    expect(md).toContain('### H1: Focal loss beats cross-entropy');
    expect(md).toContain('- Status: disproven');
    expect(md).toContain('- Learnings: Calibration suffers');
    expect(md).toContain('- Extension 1: 2026-11-09 → 2026-11-12 by Lena Lead: GPU queue was full');
    expect(md).toContain('Owner: Omar Owner');
    expect(md).toContain('Project lead: Lena Lead');
    expect(md).not.toMatch(/<@U/);
    // Each decision once, though the meeting and its log entry both hold it.
    expect(md).toContain(
      '## Decisions\n\n- 2026-11-13 · -1% on head classes; ✓ naïve café\n- 2026-11-14 · Decided: Which loss next? — Keep cross-entropy, tune the sampler\n',
    );
    expect(md.split('Keep cross-entropy, tune the sampler')).toHaveLength(3); // Decisions and the log appendix
    // Slack links as Markdown links, the message it came from linked.
    expect(md).toContain(
      '· note · Ask Omar Owner about [the W&B run](https://wandb.ai/acme/search/runs/3f2a) & [https://example.com/x](https://example.com/x) ([message](https://fake.slack.com/archives/C0EXPORT/p1700000000000100))',
    );
    expect(md.indexOf('## Hypotheses')).toBeLessThan(md.indexOf('## Appendix: experiment log'));

    const rows = parse(uploads[1]!.content, { columns: true }) as Record<string, string>[];
    const log = await t.labbook.db
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('project_id', '=', project.id)
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(log.length);
    const spreadsheetSafe = (s: string) => (/^[=+\-@]/.test(s) ? `'${s}` : s);
    const readable = (s: string) =>
      s.startsWith('Ask <@')
        ? 'Ask Omar Owner about [the W&B run](https://wandb.ai/acme/search/runs/3f2a) & [https://example.com/x](https://example.com/x)'
        : s;
    expect(rows.map((r) => r.text)).toEqual(log.map((e) => spreadsheetSafe(readable(e.text))));
    const names: Record<string, string> = { [LEAD]: 'Lena Lead', U0MIRA: 'Mira Ng' };
    expect(rows.map((r) => [r.id, r.created_at, r.kind, r.author, r.author_id])).toEqual(
      log.map((e) => [
        String(e.id),
        e.created_at.toISOString(),
        e.kind,
        names[e.author_user_id],
        e.author_user_id,
      ]),
    );
    expect(rows.find((r) => r.text?.startsWith('Commas'))?.hypothesis).toBe('H1');
  });

  it('`export here` uploads both to the channel', async () => {
    const uploads = await exportWith('export here');
    expect(uploads.map((u) => u.channelId)).toEqual([CHANNEL, CHANNEL]);
  });
});
