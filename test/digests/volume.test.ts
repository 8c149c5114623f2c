import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/schema/index.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeProject } from '../support/factories.js';
import { bulkLog, postsIn } from './support.js';

const CHANNEL = 'C0BIG';
const WORDS = ['ablation', 'baseline', 'calibration', 'distillation', 'embedding', 'focal', 'gradient'];
let t: TestApp;
let project: Project;

beforeAll(async () => {
  t = await startTestApp();
  t.clock.set('2026-11-25T10:00:00Z');
  t.fake.addUser({ id: 'U0LEAD', tz: 'UTC' });
  project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: CHANNEL, lead: 'U0LEAD' });
  // 300 hypotheses with long texts: 100 validated, 80 disproven, 20 inconclusive this week, 100 running.
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days, owner_user_id,
                            status, started_at, due_at, concluded_at, result, learnings, created_by)
    select ${TEAM}, ${project.id}, g,
           'H' || g || ' ' || repeat(${WORDS.join(' ') + ' '}, 12),
           '+1% over baseline', 7, 'U0OWNER',
           case when g <= 100 then 'validated' when g <= 180 then 'disproven' when g <= 200 then 'inconclusive' else 'running' end,
           timestamptz '2026-11-10T10:00:00Z',
           timestamptz '2026-11-17T10:00:00Z' + (g || ' hours')::interval,
           case when g <= 200 then timestamptz '2026-11-21T10:00:00Z' + (g || ' minutes')::interval end,
           case when g <= 200 then repeat(${WORDS.slice(2).join(' ') + ' '}, 40) end,
           case when g <= 200 then repeat(${WORDS.slice(1).join(' ') + ' '}, 60) end,
           'U0LEAD'
    from generate_series(1, 300) g`.execute(t.labbook.db);
  await bulkLog(t.labbook.db, project, 10_000, '2026-11-27T14:00:00Z');
});
afterAll(() => t?.stop());

describe('a project with 300 hypotheses and 10,000 log entries', () => {
  it('gets a digest within Block Kit’s limits, summarised, never cut mid-word', async () => {
    await t.labbook.scheduler.sweep();
    t.clock.set('2026-11-27T16:00:00Z');
    await t.labbook.scheduler.sweep();
    await t.labbook.scheduler.sweep();
    const [post] = postsIn(t, CHANNEL);
    expect(t.fake.violations).toEqual([]);
    // Long: what was concluded in the message, the rest in one reply in its thread.
    const replies = t.fake
      .okCallsTo('chat.postMessage')
      .filter((c) => c.args.channel === CHANNEL && c.args.thread_ts === post!.response!.ts);
    expect(replies).toHaveLength(1);
    const blocksOf = (c: typeof post) => c!.args.blocks as { type: string; text?: { text: string } }[];
    expect(blocksOf(post).length).toBeLessThanOrEqual(50);
    expect(blocksOf(replies[0]).length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(post!.args.blocks)).toContain(
      'More of what was concluded, what is running, and the decisions and meetings are in the thread.',
    );
    // The top level reads in about 25 lines: no running list, no decisions, no "and N more".
    const topLines = blocksOf(post)
      .map((b) => (b.type === 'header' || b.type === 'context' ? 'x' : (b.text?.text ?? '')))
      .filter((t) => t !== '')
      .join('\n')
      .split('\n');
    expect(topLines.length).toBeLessThanOrEqual(25);
    const top = JSON.stringify(post!.args.blocks);
    expect(top).not.toContain('*Running*');
    expect(top).not.toContain('more validated');
    // Nothing shown above is restated below: each H-number in one place.
    const numbers = (c: typeof post) =>
      [...JSON.stringify(c!.args.blocks).matchAll(/\*H(\d+)\*/g)].map((m) => m[1]);
    const above = new Set(numbers(post));
    expect(numbers(replies[0]).filter((n) => above.has(n))).toEqual([]);
    const texts = [...blocksOf(post), ...blocksOf(replies[0])].map((b) => b.text?.text ?? '').join('\n');
    expect(texts).toContain('200 concluded this week:* 80 disproven, 100 validated, 20 inconclusive');
    expect(texts).toMatch(/_…and \d+ more validated — `\/hypothesis list`_/);
    expect(texts).toMatch(/_…and \d+ more disproven — `\/hypothesis list`_/);
    expect(texts).toMatch(/_…and \d+ more running — `\/hypothesis list`_/);
    expect(texts).toMatch(/_…and \d+ more — `\/hypothesis log`_/);
    expect(texts).toContain('80 dead ends ruled out since the project started');
    // Every cut ends on a whole word.
    const cuts = [...texts.matchAll(/([a-z@%.0-9]+)…/g)].map((m) => m[1]!);
    expect(cuts.length).toBeGreaterThan(10);
    for (const word of cuts) expect(WORDS).toContain(word);
  });
});
