import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';
import pg from 'pg';
import type { Logger } from '../logger.js';

// Arbitrary but fixed: every replica must ask for the same lock.
const MIGRATION_LOCK_KEY = 4_242_017_001;

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema to the latest migration. Replicas starting together serialise on a
 * session-level advisory lock held on its own connection: Kysely's own migration lock is
 * taken only after it creates its bookkeeping tables, and two concurrent
 * `create table if not exists` can still collide, so the lock must come first.
 */
export async function migrateToLatest(
  db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- the Migrator works on any schema
  connectionString: string,
  logger: Logger,
): Promise<MigrationReport> {
  const lockClient = new pg.Client({ connectionString });
  await lockClient.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const failed = results.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${describe(error)}`);
    }
    if (applied.length > 0) logger.info('database migrated', { applied });
    else logger.info('database schema is up to date');
    return { applied };
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error ?? 'unknown error');
}
