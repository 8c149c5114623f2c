import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../../src/logger.js';
import type { Conversation, ModalStack } from '../../src/sandbox/api.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { createTestDatabase } from './db.js';

/**
 * The sandbox in this process, driven over its HTTP API as the page drives it, with its own
 * database (`<test db>_sandbox`) and data directory.
 */
export interface SandboxUnderTest {
  sandbox: Sandbox;
  get<T>(p: string): Promise<{ status: number; body: T }>;
  post<T>(p: string, body: unknown): Promise<{ status: number; body: T }>;
  conversation(channel: string, as: string): Promise<Conversation['messages']>;
  modals(as: string): Promise<ModalStack['views']>;
  /** Rows of Labbook's database, as the sandbox's Labbook wrote them. */
  query<T extends pg.QueryResultRow>(text: string): Promise<T[]>;
  /** Stops and starts again on the same data (a restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandboxUnderTest(): Promise<SandboxUnderTest> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'labbook-sandbox-'));
  const databaseUrl = await createTestDatabase();
  const logger = createLogger({ level: 'debug', write: () => undefined });
  const boot = () => startSandbox({ port: 0, databaseUrl, dataDir, logLevel: 'debug' }, logger);
  let sandbox = await boot();
  const base = () => `http://127.0.0.1:${sandbox.port}/sandbox/api/`;
  const get = async <T>(p: string) => {
    const res = await fetch(`${base()}${p}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = async <T>(p: string, body: unknown) => {
    const res = await fetch(`${base()}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const sandboxDb = new URL(databaseUrl);
  sandboxDb.pathname = `${sandboxDb.pathname}_sandbox`;
  return {
    get sandbox() {
      return sandbox;
    },
    get,
    post,
    conversation: async (channel, as) =>
      (await get<Conversation>(`conversations/${channel}?as=${as}`)).body.messages,
    modals: async (as) => (await get<ModalStack>(`modal?as=${as}`)).body.views,
    async query<T extends pg.QueryResultRow>(text: string) {
      const client = new pg.Client({ connectionString: sandboxDb.toString() });
      await client.connect();
      try {
        return (await client.query<T>(text)).rows;
      } finally {
        await client.end();
      }
    },
    async restart() {
      await sandbox.stop();
      sandbox = await boot();
    },
    async stop() {
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it finds something; fails naming `what`. */
export async function until<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
