import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/db.js';
import { buildOnce, ROOT } from '../support/process.js';

/**
 * What a newcomer gets from `npm start` (node dist/src/main.js) with no Slack settings: one
 * line on stdout pointing at the sandbox page, and the page answering there. A Slack setting
 * means a real workspace (and today's configuration errors); `--sandbox` ignores them.
 */
interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The sandbox page's URL, from the one stdout line. */
  line: Promise<string>;
  exited: Promise<number | null>;
}

const running: Run[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'labbook-sandbox-process-'));
  await buildOnce(inject('databasePrefix'));
  // The build (tsc and esbuild) can take a while on a loaded machine.
}, 180_000);

afterAll(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

const LINE =
  /^No Slack settings: Labbook runs against its local Slack sandbox — open (http:\/\/localhost:\d+\/)\n/;

function run(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js'), ...args], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = LINE.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) =>
      reject(new Error(`exited (${code}) before the sandbox line:\n${out}\n${err}`)),
    );
  });
  line.catch(() => undefined);
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const r = { child, stdout: () => out, stderr: () => err, line, exited };
  running.push(r);
  return r;
}

/** localhost in the line; the server listens on 127.0.0.1 only. */
const loopback = (url: string) => url.replace('localhost', '127.0.0.1');

describe('npm start with no Slack settings', () => {
  it('prints one line, serves the sandbox page and its API, and stops on SIGTERM', async () => {
    const databaseUrl = await createTestDatabase();
    const p = run({ DATABASE_URL: databaseUrl, PORT: '0', LABBOOK_DATA_DIR: path.join(dataDir, 'a') });
    const url = loopback(await p.line);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Labbook sandbox</title>');
    expect(html).toContain('<div id="app"></div>');
    expect((await fetch(`${url}assets/main.js`)).status).toBe(200);
    const workspace = (await (await fetch(`${url}sandbox/api/workspace`)).json()) as { team: { id: string } };
    expect(workspace.team.id).toBe('T0SANDBOX');

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stdout().split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('with a Slack setting', () => {
  it('does not start the sandbox: a bot token alone stops with the missing signing secret', async () => {
    const p = run({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', PORT: '0', LABBOOK_DATA_DIR: path.join(dataDir, 'b') });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain('SLACK_SIGNING_SECRET is required in HTTP mode');
    expect(p.stdout()).not.toContain('sandbox');
  });

  it('starts the sandbox anyway with --sandbox, ignoring them', async () => {
    const databaseUrl = await createTestDatabase();
    const p = run(
      {
        SLACK_BOT_TOKEN: 'xoxb-1-2-3',
        SLACK_SIGNING_SECRET: 'not-used-by-the-sandbox',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
        DATABASE_URL: databaseUrl,
        PORT: '0',
        LABBOOK_DATA_DIR: path.join(dataDir, 'c'),
      },
      ['--sandbox'],
    );
    const url = loopback(await p.line);
    expect((await fetch(`${url}sandbox/api/workspace`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
