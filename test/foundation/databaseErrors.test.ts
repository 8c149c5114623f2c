import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from '../../src/db/errors.js';
import { freePort } from '../../src/net.js';
import { awayable, createTestDatabase } from '../support/db.js';

/**
 * Which database errors the scheduler waits out when recording a DM already sent: each
 * error here is the real one, from PostgreSQL or from pg, not a hand-made copy.
 */
let url: string;

beforeAll(async () => {
  url = await createTestDatabase();
});

/** The error `query` fails with on a fresh connection to the test database. */
async function failureOf(query: string, connectionString = url): Promise<unknown> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(query);
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
  throw new Error(`${query} did not fail`);
}

const named = (host: string, port: number) => {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
};

describe('errors a moment later may not repeat', () => {
  it('a refused connection, to an address or to a name with two addresses', async () => {
    const port = await freePort();
    expect(isTransientDatabaseError(await failureOf('select 1', named('127.0.0.1', port)))).toBe(true);
    expect(isTransientDatabaseError(await failureOf('select 1', named('localhost', port)))).toBe(true);
  });

  it('a connection the server cuts, as a restart does', async () => {
    const error = await failureOf('select pg_terminate_backend(pg_backend_pid())');
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it('a database that refuses connections for now', async () => {
    const database = await awayable(url);
    try {
      await database.away();
      const error = await failureOf('select 1');
      expect(error).toMatchObject({ code: '55000' });
      expect(isTransientDatabaseError(error)).toBe(true);
    } finally {
      await database.end();
    }
  });
});

describe('errors that running the statement again would repeat', () => {
  it.each([
    ['a table that does not exist', 'select * from no_such_table'],
    ['a syntax error', 'selec 1'],
    ['a value out of range', 'select 2147483647::int + 1'],
    ["currval before nextval (55000, like a refusal's code)", "create temp sequence s; select currval('s')"],
  ])('%s', async (_, query) => {
    expect(isTransientDatabaseError(await failureOf(query))).toBe(false);
  });

  it('anything that is not an error at all', () => {
    expect(isTransientDatabaseError('connection lost')).toBe(false);
    expect(isTransientDatabaseError(undefined)).toBe(false);
  });
});
