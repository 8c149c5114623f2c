/**
 * The ack benchmark's load generator, run as its own process so that playing Slack (the
 * benchmark's process answers the app's calls after each ack) never delays reading an ack.
 * Reads one job per line on stdin, sends its signed requests with the concurrency asked,
 * and writes one line back: each request's latency, and how many did not answer 200.
 */
import { createInterface } from 'node:readline';
import type { FillValue, SentView } from '../src/sandbox/slack/forms.js';
import { slashCommand, type CommandArgs, type SlackTarget } from '../src/sandbox/slack/requests.js';
import { submit } from '../test/support/modals.js';

export type LoadRequest =
  | { kind: 'command'; args: CommandArgs }
  | {
      kind: 'submission';
      who: { userId: string; teamId: string };
      view: SentView;
      values: Record<string, FillValue>;
    };

export interface LoadJob {
  target: SlackTarget;
  requests: LoadRequest[];
  concurrency: number;
  /** A pause after each answer, per sender. */
  apartMs: number;
}

export interface LoadResult {
  latencies: number[];
  failures: number;
}

function send(target: SlackTarget, request: LoadRequest) {
  return request.kind === 'command'
    ? slashCommand(target, request.args)
    : submit(target, request.who, request.view, request.values);
}

async function run(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const sender = async () => {
    while (next < job.requests.length) {
      const request = job.requests[next++]!;
      const started = performance.now();
      const res = await send(job.target, request);
      latencies.push(performance.now() - started);
      if (res.status !== 200) failures++;
      if (job.apartMs > 0) await new Promise((r) => setTimeout(r, job.apartMs));
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  return { latencies, failures };
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  process.stdout.write(`${JSON.stringify(await run(JSON.parse(line) as LoadJob))}\n`);
}
