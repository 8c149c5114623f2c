import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LabbookProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the HTTP port once the bot logs that it is listening. */
  ready: Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOpts {
  /**
   * Run the build, `node dist/src/main.js`, as the Dockerfile and `npm start` do (call
   * buildOnce() first); otherwise `src/main.ts` through tsx.
   */
  built?: boolean;
  /** Working directory (where `.env` is read from); default the repository. */
  cwd?: string;
  /** Node's own options (--cpu-prof, say), which NODE_OPTIONS does not all allow. */
  nodeArgs?: string[];
}

/**
 * Runs Labbook as its own process with exactly the environment given (nothing inherited
 * but PATH and HOME), so tests see what a fresh deployment sees.
 */
export function spawnLabbook(env: Record<string, string>, opts: SpawnOpts = {}): LabbookProcess {
  const args = [
    ...(opts.nodeArgs ?? []),
    ...(opts.built
      ? [path.join(ROOT, 'dist/src/main.js')]
      : ['--import', 'tsx', path.join(ROOT, 'src/main.ts')]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"Labbook is listening"[^\n]*"port":(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then(({ code }) => reject(new Error(`labbook exited (${code}) before listening:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, ready, exited };
}

/** The JSON log lines a process wrote, parsed. */
export const logLines = (p: LabbookProcess): Record<string, unknown>[] =>
  p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const run = promisify(execFile);

/**
 * `npm run build` once per test run, however many test files (each in its own worker)
 * ask: the first takes a lock and builds, the others wait for its mark.
 */
export async function buildOnce(runId: string): Promise<void> {
  const dir = path.join(ROOT, 'dist');
  await mkdir(dir, { recursive: true });
  const mark = path.join(dir, `.built-${runId}`);
  const lock = path.join(dir, `.building-${runId}`);
  const exists = (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    );
  if (await exists(mark)) return;
  try {
    await mkdir(lock);
  } catch {
    const deadline = Date.now() + 170_000;
    while (!(await exists(mark))) {
      if (Date.now() > deadline) throw new Error('timed out waiting for another worker to build dist/');
      await new Promise((r) => setTimeout(r, 200));
    }
    return;
  }
  try {
    await run('npm', ['run', 'build'], { cwd: ROOT });
    await writeFile(mark, new Date().toISOString());
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
