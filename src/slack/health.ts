import type { CustomRoute } from '@slack/bolt';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';

/**
 * GET /healthz: 200 when the database answers, 503 when it does not or when the process
 * is shutting down (so a load balancer stops routing to it before it closes).
 */
export function healthRoute(db: Db, isShuttingDown: () => boolean): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      void check(db, isShuttingDown).then((body) => {
        // While stopping, the connection is closed after the answer: a prober polling on a
        // keep-alive connection would otherwise keep it busy and hold the server open.
        const closing = isShuttingDown() ? { connection: 'close' } : {};
        res.writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json', ...closing });
        res.end(JSON.stringify(body));
      });
    },
  };
}

async function check(db: Db, isShuttingDown: () => boolean): Promise<{ ok: boolean; database: string }> {
  if (isShuttingDown()) return { ok: false, database: 'shutting down' };
  try {
    await withTimeout(sql`select 1`.execute(db), 2_000);
    return { ok: true, database: 'ok' };
  } catch {
    return { ok: false, database: 'unreachable' };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
