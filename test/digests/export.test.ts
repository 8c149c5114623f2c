import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLog } from '../../src/db/experimentLog.js';
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
  t.fake.addUser({ id: LEAD, tz: 'UTC' });
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
    expect(md).toContain(`- Extension 1: 2026-11-09 → 2026-11-12 by <@${LEAD}>: GPU queue was full`);
    expect(md).toContain('## Decisions\n\n- 2026-11-13 · -1% on head classes; ✓ naïve café');
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
    expect(rows.map((r) => r.text)).toEqual(log.map((e) => spreadsheetSafe(e.text)));
    expect(rows.map((r) => [r.id, r.created_at, r.kind, r.author])).toEqual(
      log.map((e) => [String(e.id), e.created_at.toISOString(), e.kind, e.author_user_id]),
    );
    expect(rows.find((r) => r.text?.startsWith('Commas'))?.hypothesis).toBe('H1');
  });

  it('`export here` uploads both to the channel', async () => {
    const uploads = await exportWith('export here');
    expect(uploads.map((u) => u.channelId)).toEqual([CHANNEL, CHANNEL]);
  });
});
