import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema/index.js';

// count(*) and other int8 results arrive as strings by default; every int8 Labbook reads
// is a count far below 2^53, so numbers are the honest type.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = Kysely<Database>;

/** Each database's pool, for the metrics (Kysely keeps its pool to itself). */
const pools = new WeakMap<Db, pg.Pool>();

export function poolStats(db: Db): { total: number; idle: number; waiting: number } {
  const pool = pools.get(db);
  return { total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 };
}

export function createDb(
  connectionString: string,
  opts: { max?: number; onError?: (error: Error) => void } = {},
): Db {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max ?? 10,
    // A dead database must surface as a failed health check, not as a hung request.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (e.g. the server restarts) must not crash the
  // process; the pool replaces it on next use, and the operator hears about it.
  pool.on('error', (error) => opts.onError?.(error));
  // The pool listens only while a client is idle. One checked out between two queries (in
  // a transaction, say) when the server goes away would otherwise emit an 'error' nobody
  // hears, and Node ends the process: a database restart must not take replicas with it.
  // The pool discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', (error) => opts.onError?.(error)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

export type { Database } from './schema/index.js';
