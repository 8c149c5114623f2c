import pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';

/**
 * The sandbox keeps its data apart from a real workspace's: with DATABASE_URL, a database
 * of its own on that server (`<name>_sandbox`, created on first use); without, the
 * embedded PostgreSQL under `<dataDir>/sandbox/` (startLabbook's default, pointed there).
 */
export async function sandboxDatabaseUrl(databaseUrl: string): Promise<string> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const sandboxName = `${name}_sandbox`;
  const client = await connectSomewhere(url);
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [sandboxName]);
    if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(sandboxName)}`);
  } catch (error) {
    // Two sandboxes starting at once: the other one created it first.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
  url.pathname = `/${encodeURIComponent(sandboxName)}`;
  return url.toString();
}

/** Reset: every table of Labbook's emptied, the schema (and its migration record) kept. */
export async function emptyTables(db: Db): Promise<void> {
  const tables = await db.introspection.getTables();
  const names = tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_'));
  if (names.length === 0) return;
  await sql`truncate ${sql.join(names.map((n) => sql.table(n)))} restart identity cascade`.execute(db);
}

/** The server of `url`: through its own database, or the `postgres` one when that does not exist. */
async function connectSomewhere(url: URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    return client;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
    const maintenance = new URL(url);
    maintenance.pathname = '/postgres';
    const fallback = new pg.Client({ connectionString: maintenance.toString() });
    await fallback.connect();
    return fallback;
  }
}
