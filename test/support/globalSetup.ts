import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { createDb } from '../../src/db/index.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL with rights to CREATE DATABASE; each test file makes its own. */
    adminDatabaseUrl: string;
    /** Prefix of every database this run creates, so teardown drops exactly those. */
    databasePrefix: string;
    /** A database at the latest schema that each test file's database is copied from. */
    templateDatabase: string;
  }
}

/**
 * With DATABASE_URL the suite uses that server; without it, one embedded PostgreSQL for
 * the whole run (as a newcomer's machine would), each test file in a database of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The sandbox page's tests load its assets as `npm run build` makes them (dist/sandbox-ui).
  execFileSync('npm', ['run', '--silent', 'build:page'], { stdio: 'inherit' });
  const prefix = `labbook_t${process.pid}_`;
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  if (!adminUrl) {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'labbook-test-pg-'));
    const embedded = await startEmbeddedPostgres(tmp, createLogger({ level: 'warn' }));
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('databasePrefix', prefix);
  project.provide('templateDatabase', await migratedTemplate(adminUrl, prefix));
  return async () => {
    await dropDatabases(adminUrl, prefix).catch(() => undefined);
    await stopEmbedded?.();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  };
}

/**
 * Migrating once and copying the result is several times cheaper than migrating a fresh
 * database for every test file (CREATE DATABASE … TEMPLATE copies files; the migrations run
 * a hundred statements). Tests about migrating ask for an empty database instead.
 */
async function migratedTemplate(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}template`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { max: 1 });
  try {
    await migrateToLatest(db, url.toString(), createLogger({ level: 'warn' }));
  } finally {
    // CREATE DATABASE … TEMPLATE refuses a template anyone is connected to.
    await db.destroy();
  }
  return name;
}

async function dropDatabases(adminUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`);
    }
  } finally {
    await client.end();
  }
}
