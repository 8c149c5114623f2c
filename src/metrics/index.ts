import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { pendingDeliveries } from '../db/deliveries.js';
import { poolStats, type Db } from '../db/index.js';

/**
 * What an operator scrapes at /metrics. One registry for the process, as Prometheus sees
 * it: counters only ever grow while the process lives. Labels are bounded sets (surface,
 * outcome, Slack method, delivery kind); no user, channel or team id is ever a label, both
 * because it would name people and because it would grow without end.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

// Seconds, from a few milliseconds (an ack) up to a slow flow (a digest with its chart).
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type Surface = 'command' | 'action' | 'view' | 'event' | 'shortcut' | 'options' | 'unknown';
/** ok; error (a listener threw); unanswered (no listener took it); malformed (refused at the gate). */
export type RequestOutcome = 'ok' | 'error' | 'unanswered' | 'malformed';

export const slackRequestDuration = new Histogram({
  name: 'labbook_slack_request_duration_seconds',
  help: 'Time from a Slack request reaching Labbook to its listener finishing (the work after the ack included)',
  labelNames: ['surface', 'outcome'] as const,
  buckets: REQUEST_BUCKETS,
  registers: [registry],
});

export const slackAckDuration = new Histogram({
  name: 'labbook_slack_ack_duration_seconds',
  help: 'Time from a Slack request reaching Labbook to its acknowledgement (Slack allows 3 s)',
  labelNames: ['surface'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
  registers: [registry],
});

export type SlackCallOutcome = 'ok' | '429' | '5xx' | 'error';

export const slackApiCalls = new Counter({
  name: 'labbook_slack_api_calls_total',
  help: 'Slack Web API calls made (each HTTP attempt, retries included) by method and outcome',
  labelNames: ['method', 'outcome'] as const,
  registers: [registry],
});

export const deliveries = new Counter({
  name: 'labbook_deliveries_total',
  help: 'Scheduled deliveries handled by the sweep, by kind and outcome (sent, deferred, retried, failed, cancelled)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const deliveryLag = new Histogram({
  name: 'labbook_delivery_lag_seconds',
  help: 'From when a delivery was due to when it was sent',
  labelNames: ['kind'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
  registers: [registry],
});

export const sweepDuration = new Histogram({
  name: 'labbook_scheduler_sweep_duration_seconds',
  help: 'Wall time of one scheduler sweep on this replica',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [registry],
});

/**
 * The database this process serves, read at scrape time. Only the latest Labbook started
 * in the process is watched (a test may start several one after another).
 */
const watched: { db: Db; clock: Clock }[] = [];

export function watchDatabase(db: Db, clock: Clock): () => void {
  const entry = { db, clock };
  watched.push(entry);
  return () => {
    const i = watched.indexOf(entry);
    if (i >= 0) watched.splice(i, 1);
  };
}

const current = () => watched.at(-1);

/**
 * The pending and overdue gauges are collected side by side on each scrape; one query
 * (over the partial index of pending rows) serves both. A database that does not answer
 * leaves them out of the scrape rather than failing it: the process metrics still matter.
 */
let reading: ReturnType<typeof pendingDeliveries> | undefined;
function pendingNow(w: { db: Db; clock: Clock }): ReturnType<typeof pendingDeliveries> {
  reading ??= pendingDeliveries(w.db, w.clock.now())
    .catch(() => [])
    .finally(() => (reading = undefined));
  return reading;
}

new Gauge({
  name: 'labbook_deliveries_pending',
  help: 'Deliveries waiting to be sent, by kind (all replicas: read from the database at scrape)',
  labelNames: ['kind'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const w = current();
    if (!w) return;
    for (const row of await pendingNow(w)) this.set({ kind: row.kind }, row.pending);
  },
});

new Gauge({
  name: 'labbook_deliveries_overdue_seconds',
  help: 'How long the longest-waiting delivery of each kind has been ready to send and not sent (0 when none waits)',
  labelNames: ['kind'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const w = current();
    if (!w) return;
    const now = w.clock.now().getTime();
    for (const row of await pendingNow(w))
      this.set(
        { kind: row.kind },
        row.oldestReady ? Math.max(0, (now - row.oldestReady.getTime()) / 1000) : 0,
      );
  },
});

const poolGauge = (name: string, help: string, read: (s: ReturnType<typeof poolStats>) => number) =>
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const w = current();
      this.set(w ? read(poolStats(w.db)) : 0);
    },
  });
poolGauge('labbook_db_pool_size', 'Connections the database pool holds (idle and in use)', (s) => s.total);
poolGauge('labbook_db_pool_idle', 'Idle connections in the database pool', (s) => s.idle);
poolGauge('labbook_db_pool_waiting', 'Queries waiting for a connection from the pool', (s) => s.waiting);
