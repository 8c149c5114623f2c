/**
 * Ack time for `npm run bench`: Labbook's answer to `/hypothesis new` and to a submitted
 * new-hypothesis form under concurrent load, against a bare Bolt app that only acks.
 *
 * Each server is its own process, as deployed: the built app (`node dist/src/main.js`) and
 * the baseline (bench/bareBolt.ts). The signed requests come from a load generator of their
 * own (bench/loadWorker.ts); this process hosts the embedded Slack the app calls after
 * acking. Besides the latencies it prints each server's
 * CPU time per request (from /proc), Labbook's own arrival-to-ack time (its metrics), and
 * where Labbook's CPU went (a V8 CPU profile of a separate run, bench/cpuProfile.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { ids } from '../blocks/ids.js';
import { createDb } from '../src/db/index.js';
import type { Project } from '../src/db/schema/index.js';
import type { EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { slashCommand, type CommandArgs, type SlackTarget } from '../src/sandbox/slack/requests.js';
import { BOT_TOKEN, SIGNING_SECRET, TEAM, testEnv } from '../test/support/app.js';
import { defaultFields, makeProject } from '../test/support/factories.js';
import { viewOpenedBy } from '../test/support/modals.js';
import { logLines, ROOT, spawnLabbook, type LabbookProcess } from '../test/support/process.js';
import { profileBreakdown } from './cpuProfile.js';
import type { LoadJob, LoadRequest, LoadResult } from './loadWorker.js';
import { percentile } from './percentile.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const PROFILED_REQUESTS = 1_000;
const ROUNDS = 10;
const WARM_UP = 1_000;
// Between requests sent one at a time: long enough for Labbook to finish the work after an ack.
const APART_MS = 25;

interface Server {
  target: SlackTarget;
  pid: number;
  stop(): Promise<void>;
}

export async function ackBenchmark(databaseUrl: string, fake: EmbeddedSlack): Promise<void> {
  const db = createDb(databaseUrl, { max: 2 });
  const labbook = await startLabbook(fake, databaseUrl);
  const bare = await startBareBolt(fake);
  try {
    const projects: Project[] = [];
    for (let i = 0; i < 20; i++)
      projects.push(
        await makeProject(db, { teamId: TEAM, channelId: `C0BENCH${i}`, lead: 'U0LEAD', name: `Bench ${i}` }),
      );
    const project = projects[0]!;
    const command = (channelId: string) => (): LoadRequest => ({
      kind: 'command',
      args: { text: 'new', userId: 'U0ALICE', teamId: TEAM, channelId, responseUrl: fake.responseUrl() },
    });
    // The new-hypothesis modal as the app sends it, submitted again and again, filled by label.
    const first = command(project.channel_id)();
    const modal = await viewOpenedBy(fake, ids.hypothesis.newModal, () =>
      slashCommand(labbook.target, (first as { args: CommandArgs }).args),
    );
    let turn = 0;
    // H-numbers are per project, so submissions to one project take turns on its row lock:
    // the worst case. Teams rarely collide like that, so the spread case is measured too.
    const submission = (spread: boolean) => (): LoadRequest => ({
      kind: 'submission',
      who: { userId: 'U0ALICE', teamId: TEAM },
      view: modal,
      values: {
        Project: String((spread ? projects[turn++ % projects.length]! : project).id),
        Hypothesis: defaultFields.statement,
        Metric: defaultFields.metric,
        Baseline: defaultFields.baseline,
        'Success criteria': defaultFields.successCriteria,
        'Timebox (days)': String(defaultFields.timeboxDays),
      },
    });

    console.log(`\n## Ack time under load (${REQUESTS} requests, ${CONCURRENCY} at a time)\n`);
    console.log(
      'Each server in its own process, and the load generator in a third; this process plays Slack. CPU per request is the server process’s own (user + system).\n',
    );
    console.log(
      '| request | bare Bolt p50 / p95 | Labbook p50 / p95 | ratio p50 | ratio p95 | CPU per request, bare / Labbook | Labbook arrival to ack (mean) |',
    );
    console.log('|---|---|---|---|---|---|---|');
    const rows: [string, 'command' | 'view', () => LoadRequest][] = [
      [
        '/hypothesis new in a channel without a project (answers through response_url)',
        'command',
        command('C0BENCH'),
      ],
      ['/hypothesis new in a project’s channel (opens the form)', 'command', command(project.channel_id)],
      ['submission, all into one project', 'view', submission(false)],
      ['submission, spread over 20 projects', 'view', submission(true)],
    ];
    // Both servers warmed on both commands first: a deployed Labbook has long been running,
    // and its optimised code takes a thousand-odd requests to settle (bare Bolt, with far
    // less code, settles sooner). Measured cold, the first row paid for it: 1.38× against
    // 1.02× for the same request measured after the second row, in one run.
    for (const [, surface, make] of rows)
      if (surface === 'command') {
        await load(bare.target, make, WARM_UP);
        await load(labbook.target, make, WARM_UP);
      }
    for (const [name, surface, make] of rows) {
      await load(bare.target, make, 50); // warm-up
      await load(labbook.target, make, 50);
      // Taken in turns, a fifth at a time, so other work on the machine weighs on both alike.
      const base = new Run(bare);
      const ours = new Run(labbook);
      const before = await ackTimeInside(labbook.metricsUrl, surface);
      for (let round = 0; round < ROUNDS; round++) {
        await base.add(() => load(bare.target, make, REQUESTS / ROUNDS));
        await ours.add(() => load(labbook.target, make, REQUESTS / ROUNDS));
      }
      const inside = (await ackTimeInside(labbook.metricsUrl, surface)).since(before);
      console.log(
        `| ${name} | ${ms(base.p50)} / ${ms(base.p95)} | ${ms(ours.p50)} / ${ms(ours.p95)} | ${ratio(ours.p50, base.p50)} | ${ratio(ours.p95, base.p95)} | ${ms(base.cpuMs / REQUESTS, 2)} / ${ms(ours.cpuMs / REQUESTS, 2)} | ${ms(inside, 2)} |`,
      );
      if (ours.failures > 0) console.log(`  (${ours.failures} Labbook requests did not answer 200)`);
    }
    // As a team's Slack sends them: each request alone, reaching a Labbook that has finished
    // the work after the previous ack, so the latency is the ack path itself.
    console.log(
      `\nOne request at a time, ${APART_MS} ms apart (Labbook has finished the work after the previous ack):\n`,
    );
    console.log('| request | bare Bolt p50 / p95 | Labbook p50 / p95 | ratio p50 | ratio p95 |');
    console.log('|---|---|---|---|---|');
    for (const [name, , make] of rows.slice(0, 2)) {
      const base = new Run(bare);
      const ours = new Run(labbook);
      for (let round = 0; round < ROUNDS; round++) {
        await base.add(() => load(bare.target, make, 20, 1, APART_MS));
        await ours.add(() => load(labbook.target, make, 20, 1, APART_MS));
      }
      console.log(
        `| ${name} | ${ms(base.p50)} / ${ms(base.p95)} | ${ms(ours.p50)} / ${ms(ours.p95)} | ${ratio(ours.p50, base.p50)} | ${ratio(ours.p95, base.p95)} |`,
      );
    }
    const { count } = await db
      .selectFrom('hypotheses')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    console.log(
      `\n${count} hypotheses were stored by the submissions above; Slack's limit for an ack is 3000 ms.`,
    );
  } finally {
    await bare.stop();
    await labbook.stop();
  }
  await whereTheTimeGoes(fake, databaseUrl);
  stopLoadWorker();
  await db.destroy();
}

/**
 * Where Labbook's CPU goes for `/hypothesis new` in a channel without a project: a fresh
 * Labbook under a CPU profile, the same load, then the profile read by part.
 */
async function whereTheTimeGoes(fake: EmbeddedSlack, databaseUrl: string): Promise<void> {
  // BENCH_PROFILE_DIR keeps the profile, to open in Chrome's DevTools or `npx speedscope`.
  const kept = process.env.BENCH_PROFILE_DIR;
  const dir = kept ?? (await mkdtemp(path.join(os.tmpdir(), 'labbook-profile-')));
  const labbook = await startLabbook(fake, databaseUrl, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const request = (): LoadRequest => ({
    kind: 'command',
    args: {
      text: 'new',
      userId: 'U0ALICE',
      teamId: TEAM,
      channelId: 'C0BENCH',
      responseUrl: fake.responseUrl(),
    },
  });
  await load(labbook.target, request, 100);
  const before = await ackTimeInside(labbook.metricsUrl, 'command');
  await load(labbook.target, request, PROFILED_REQUESTS);
  const inside = (await ackTimeInside(labbook.metricsUrl, 'command')).since(before);
  await labbook.stop(); // the profile is written as the process exits
  const [file] = (await readdir(dir))
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .reverse();
  if (!file) throw new Error('the profiled Labbook wrote no CPU profile');
  const { busyMs, parts } = await profileBreakdown(path.join(dir, file));
  if (!kept) await rm(dir, { recursive: true, force: true });
  else console.log(`\nThe CPU profile is kept in ${path.join(dir, file)}.`);
  const requests = PROFILED_REQUESTS + 100;
  console.log(
    `\n### Where Labbook’s CPU goes: /hypothesis new without a project, ${requests} requests under a CPU profile\n`,
  );
  console.log(
    `Whole run, start-up included: ${ms(busyMs, 0)} busy. Arrival to ack inside Labbook: ${ms(inside, 2)} on average. The ack is sent before the listener looks up the channel and answers through the response_url; that work shares the process with the next requests' acks.\n`,
  );
  console.log('| part | CPU | share |');
  console.log('|---|---|---|');
  for (const { part, ms: partMs } of parts)
    console.log(`| ${part} | ${ms(partMs, 0)} | ${((partMs / busyMs) * 100).toFixed(1)}% |`);
}

async function startLabbook(
  fake: EmbeddedSlack,
  databaseUrl: string,
  nodeArgs: string[] = [],
): Promise<Server & { metricsUrl: string }> {
  const child: LabbookProcess = spawnLabbook(
    testEnv(fake, databaseUrl, { LOG_LEVEL: 'info', METRICS_PORT: '0' }),
    { built: true, nodeArgs },
  );
  const port = await child.ready;
  const listening = logLines(child).find((l) => l.msg === 'Labbook is listening');
  return {
    target: { url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET },
    metricsUrl: `http://127.0.0.1:${String(listening?.metricsPort)}/metrics`,
    pid: child.child.pid!,
    stop: async () => {
      child.child.kill('SIGTERM');
      await child.exited;
    },
  };
}

async function startBareBolt(fake: EmbeddedSlack): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/bareBolt.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: fake.apiUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`bare Bolt exited (${code}) before listening`)));
  });
  return {
    target: { url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET },
    pid: child.pid!,
    stop: () => stopped(child),
  };
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Load runs against one server: their latencies together, and the CPU time it spent on them. */
class Run {
  private readonly latencies: number[] = [];
  failures = 0;
  cpuMs = 0;

  constructor(private readonly server: Server) {}

  async add(run: () => Promise<LoadResult>): Promise<void> {
    const before = await cpuMs(this.server.pid);
    const { latencies, failures } = await run();
    this.cpuMs += (await cpuMs(this.server.pid)) - before;
    this.latencies.push(...latencies);
    this.failures += failures;
  }

  get p50(): number {
    return percentile(this.latencies, 0.5);
  }

  get p95(): number {
    return percentile(this.latencies, 0.95);
  }
}

/** User + system CPU time of a process, in ms (/proc/<pid>/stat, in clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Labbook's mean time from a request reaching its gate to its ack (the metrics' own
 * histogram) over the requests between two readings: what Labbook adds before acking,
 * apart from HTTP, signature checking and waiting for the event loop.
 */
async function ackTimeInside(metricsUrl: string, surface: 'command' | 'view') {
  const text = await (await fetch(metricsUrl)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*surface="${surface}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const reading = {
    sum: value('labbook_slack_ack_duration_seconds_sum'),
    count: value('labbook_slack_ack_duration_seconds_count'),
  };
  return {
    ...reading,
    since: (before: { sum: number; count: number }) =>
      ((reading.sum - before.sum) / Math.max(1, reading.count - before.count)) * 1000,
  };
}

/** The load generator's process (bench/loadWorker.ts), started on first use. */
let worker: { child: ChildProcess; lines: AsyncIterator<string> } | undefined;

/** `total` requests made by `make`, sent by the load generator, `concurrency` at a time. */
async function load(
  target: SlackTarget,
  make: () => LoadRequest,
  total: number,
  concurrency = CONCURRENCY,
  apartMs = 0,
): Promise<LoadResult> {
  if (!worker) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/loadWorker.ts')], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    worker = { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
  }
  const job: LoadJob = { target, requests: Array.from({ length: total }, make), concurrency, apartMs };
  worker.child.stdin!.write(`${JSON.stringify(job)}\n`);
  const { value, done } = await worker.lines.next();
  if (done) throw new Error('the load generator exited');
  return JSON.parse(value) as LoadResult;
}

/** Ends the load generator's process. */
function stopLoadWorker(): void {
  worker?.child.stdin!.end();
  worker = undefined;
}

const ms = (n: number, digits = 1) => `${n.toFixed(digits)} ms`;
const ratio = (ours: number, base: number) => `${(ours / base).toFixed(2)}×`;
