/**
 * Digest benchmarks for `npm run bench`, each against a baseline in the same run:
 *  3. Building a digest (its queries, the model and the blocks) for a project with 300
 *     hypotheses and 10,000 log entries, against the same for a project with 10 and 100.
 *  4. Rendering the chart PNG, against rendering the same chart to SVG only.
 */
import { sql } from 'kysely';
import { digestMessage } from '../blocks/digest.js';
import type { Db } from '../src/db/index.js';
import type { Project } from '../src/db/schema/index.js';
import { chartSpec, chartSvg, renderChart } from '../src/rituals/digests/chart.js';
import { projectDigest } from '../src/rituals/digests/digests.js';
import { slotOnOrBefore, weekEndingAt, type DigestSchedule } from '../src/rituals/digests/weeks.js';
import { TEAM } from '../test/support/app.js';
import { makeProject } from '../test/support/factories.js';

const RUNS = 30;
const schedule: DigestSchedule = { weekday: 5, hour: 16, minute: 0, tz: 'Europe/Berlin' };
const now = new Date('2026-11-27T15:00:00Z');
const week = weekEndingAt(slotOnOrBefore(now, schedule), schedule);

async function seed(db: Db, channelId: string, hypotheses: number, log: number): Promise<Project> {
  const project = await makeProject(db, { teamId: TEAM, channelId, name: `Bench ${channelId}` });
  await sql`
    insert into hypotheses (team_id, project_id, number, statement, success_criteria, timebox_days, owner_user_id,
                            status, started_at, due_at, concluded_at, result, learnings, created_by, extension_count)
    select ${TEAM}, ${project.id}, g, 'H' || g || ' improves recall on rare intents by a few percent over the baseline',
           '+1%', 7, 'U0OWNER',
           (array['validated','disproven','inconclusive','abandoned','running','running'])[g % 6 + 1],
           timestamptz '2026-06-01T10:00:00Z' + (g || ' hours')::interval,
           timestamptz '2026-06-08T10:00:00Z' + (g * 13 || ' hours')::interval,
           case when g % 6 < 4 then timestamptz '2026-06-10T10:00:00Z' + (g * 13 || ' hours')::interval end,
           'recall +0.' || g || '%', 'what we learned from H' || g, 'U0LEAD', g % 3
    from generate_series(1, ${hypotheses}) g`.execute(db);
  await sql`
    insert into experiment_log_entries (team_id, project_id, kind, author_user_id, text, created_at)
    select ${TEAM}, ${project.id}, case when g % 20 = 0 then 'decision' else 'note' end, 'U0LEAD',
           'Entry ' || g, timestamptz '2026-11-27T14:00:00Z' - (g * 7 || ' minutes')::interval
    from generate_series(1, ${log}) g`.execute(db);
  return project;
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm up: connections, JIT, the font file
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

export async function digestBenchmarks(db: Db): Promise<void> {
  const small = await seed(db, 'C0SMALL', 10, 100);
  const large = await seed(db, 'C0LARGE', 300, 10_000);
  await sql`analyze`.execute(db);
  const build = (p: Project) => async () =>
    digestMessage(await projectDigest(db, p, schedule, week, now)).blocks.length;
  const base = await median(build(small));
  const ours = await median(build(large));
  console.log('\n## Building a digest (queries, model, blocks), median of 30\n');
  console.log('| project | time | ratio |');
  console.log('|---|---|---|');
  console.log(`| 10 hypotheses, 100 log entries (baseline) | ${ms(base)} | 1.00× |`);
  console.log(`| 300 hypotheses, 10,000 log entries | ${ms(ours)} | ${(ours / base).toFixed(2)}× |`);
  console.log(`\nTarget ≤ 100 ms: ${ours <= 100 ? 'met' : 'NOT MET'}`);

  const digest = await projectDigest(db, large, schedule, week, now);
  const spec = chartSpec(digest.chart, schedule.tz, 'Bench: outcomes per week');
  const svg = await median(() => chartSvg(spec));
  const png = await median(() => renderChart(digest.chart, schedule.tz, 'Bench: outcomes per week'));
  const bytes = (await renderChart(digest.chart, schedule.tz, 'Bench: outcomes per week')).length;
  console.log('\n## Rendering the chart (12 weeks), median of 30\n');
  console.log('| output | time | ratio |');
  console.log('|---|---|---|');
  console.log(`| Vega SVG only (baseline) | ${ms(svg)} | 1.00× |`);
  console.log(
    `| PNG via resvg, 2× scale, ${(bytes / 1024).toFixed(0)} KiB | ${ms(png)} | ${(png / svg).toFixed(2)}× |`,
  );
}
