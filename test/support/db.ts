import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * A fresh database of its own on the suite's server, already at the latest schema (a copy
 * of the run's migrated template), or with nothing in it when the test is about migrating;
 * returns its URL.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<string> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `${inject('databasePrefix')}${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const template = opts.empty ? '' : ` template ${client.escapeIdentifier(inject('templateDatabase'))}`;
    await client.query(`create database ${client.escapeIdentifier(name)}${template}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A test database that can be taken away (connections cut and refused), as in a restart. */
export async function awayable(url: string) {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  const allow = (yes: boolean) =>
    admin.query(`alter database ${admin.escapeIdentifier(name)} with allow_connections ${yes}`);
  return {
    async away() {
      await allow(false);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
    },
    back: () => allow(true),
    async end() {
      await allow(true);
      await admin.end();
    },
  };
}
