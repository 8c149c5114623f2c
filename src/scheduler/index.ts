import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import cron, { type ScheduledTask } from 'node-cron';
import {
  claimDue,
  markCancelled,
  markFailed,
  markSent,
  recordedBy,
  releaseClaims,
  renewClaim,
  reschedule,
} from '../db/deliveries.js';
import { isTransientDatabaseError } from '../db/errors.js';
import type { Db } from '../db/index.js';
import type { Delivery } from '../db/schema/index.js';
import { forgetIdleBudgets } from '../db/slackBudgets.js';
import { deliveries, deliveryLag, sweepDuration } from '../metrics/index.js';
import type { Services } from '../services.js';
import { postPatiently } from './patient.js';
import {
  ritualsByKind,
  type DeliveryContext,
  type DeliveryPlan,
  type DeliveryRitual,
  type SentMessage,
} from './rituals.js';
import { backoffMs, classifySlackFailure, MAX_ATTEMPTS, PermanentDeliveryError } from './slackErrors.js';

export interface SweepReport {
  sent: number;
  deferred: number;
  retried: number;
  failed: number;
  cancelled: number;
}

export interface SchedulerOptions {
  cron: string;
  /** How long a claimed delivery is reserved for its worker before another may take it. */
  leaseMs: number;
  batchSize?: number;
  /** Every ritual that schedules deliveries; each plans its own kinds. */
  rituals: DeliveryRitual[];
  /**
   * The fail-fast Web API client for a workspace. Rejects with PermanentDeliveryError when
   * the workspace has no installation any more, so its deliveries are cancelled, not retried.
   */
  clientFor(teamId: string): Promise<WebClient>;
}

export interface Scheduler {
  /** Finds and sends everything due now; safe to run on any number of replicas at once. */
  sweep(): Promise<SweepReport>;
  start(): void;
  /** Stops the timer and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/** Counts an outcome in the sweep's report and in the metrics. */
function tally(report: SweepReport, d: Delivery, outcome: keyof SweepReport): void {
  report[outcome]++;
  deliveries.inc({ kind: d.kind, outcome });
}

/** A claimed batch by workspace, each in the order it was claimed. */
function byTeam(claimed: Delivery[]): Map<string, Delivery[]> {
  const groups = new Map<string, Delivery[]>();
  for (const d of claimed) groups.set(d.team_id, [...(groups.get(d.team_id) ?? []), d]);
  return groups;
}

type SendPlan = Extract<DeliveryPlan, { type: 'send' }>;

/** The send was cancelled under it; thrown to roll the recording transaction back. */
class Overtaken extends Error {}

// A sweep stops after this many batches so one tick cannot run forever; the rest is
// picked up by the next tick.
const MAX_BATCHES = 100;

// How long a send that is out waits for the database to take its record: longer than a
// restart or failover. Past the claim's lease another replica may take the row and send it
// again (the lease should outlast a restart too); a shutdown stops the waiting sooner.
const RECORD_PATIENCE_MS = 5 * 60_000;

/**
 * The sweep: claims due deliveries, asks the ritual that owns each what it becomes now,
 * sends it and records the outcome. Ritual-agnostic by design: a new ritual registers a
 * DeliveryRitual and never touches this file.
 */
export function createScheduler(services: Services, opts: SchedulerOptions): Scheduler {
  const workerId = randomUUID();
  const batchSize = opts.batchSize ?? 50;
  const { db, clock, logger } = services;
  const byKind = ritualsByKind(opts.rituals);
  let task: ScheduledTask | undefined;
  let running: Promise<SweepReport> | undefined;
  let stopping = false;

  async function handle(d: Delivery, report: SweepReport): Promise<void> {
    const ritual = byKind.get(d.kind);
    if (!ritual) {
      logger.warn('delivery of a kind no ritual owns; cancelled', { deliveryId: d.id, kind: d.kind });
      await markCancelled(db, d.id, { at: clock.now(), workerId });
      tally(report, d, 'cancelled');
      return;
    }
    let ctx: DeliveryContext;
    let plan;
    try {
      ctx = { services, client: await opts.clientFor(d.team_id) };
      plan = await ritual.plan(ctx, d);
    } catch (error) {
      return fail(ritual, d, error, report);
    }
    const at = clock.now();
    if (plan.type === 'cancel') {
      logger.debug('delivery no longer needed', { deliveryId: d.id, kind: d.kind, why: plan.why });
      await markCancelled(db, d.id, { at, workerId });
      tally(report, d, 'cancelled');
      return;
    }
    if (plan.type === 'later') {
      await reschedule(db, d.id, { when: plan.when, at, countAttempt: false, workerId });
      tally(report, d, 'deferred');
      return;
    }
    if (!(await renewClaim(db, d.id, { workerId, now: at, leaseMs: opts.leaseMs }))) {
      logger.info('delivery left to another replica: claim expired before sending', { deliveryId: d.id });
      return;
    }
    let posted;
    try {
      posted = await ctx.client.chat.postMessage({
        channel: plan.recipientId,
        ...plan.message,
        unfurl_links: false,
      });
    } catch (error) {
      return fail(ritual, d, error, report);
    }
    const sent: SentMessage = { at: clock.now(), channelId: posted.channel ?? null, ts: posted.ts ?? null };
    let outcome: 'recorded' | 'overtaken';
    try {
      outcome = await recordSend(d, plan, sent);
    } catch (error) {
      // The message is out and its record could not be written: once the lease runs out the
      // row is claimed and sent again. Say so loudly.
      logger.error('delivery sent but not recorded', { deliveryId: d.id, kind: d.kind, error });
      return;
    }
    if (outcome === 'overtaken') return await withdraw(ctx.client, d, sent);
    tally(report, d, 'sent');
    deliveryLag.observe({ kind: d.kind }, Math.max(0, sent.at.getTime() - d.due_at.getTime()) / 1000);
    await sendRest(ctx.client, d, plan, sent);
  }

  /**
   * Records a send that is out, with its effect and follow-up. A message cannot be unsent,
   * so while the database is out of reach (a restart, a failover) the record waits for it
   * instead of giving up: a record given up on leaves the row to be claimed again once its
   * lease runs out, and the DM goes out twice.
   */
  async function recordSend(
    d: Delivery,
    plan: SendPlan,
    sent: SentMessage,
  ): Promise<'recorded' | 'overtaken'> {
    const record = async (q: Db) => {
      // The ritual's rows are locked before the delivery row, in the same order as an
      // answer being recorded, so the two cannot deadlock.
      await plan.effect?.(q, sent);
      const marked = await markSent(
        q,
        d.id,
        { at: sent.at, channelId: sent.channelId, messageTs: sent.ts, workerId },
        plan.followUp?.(sent.at),
      );
      // Cancelled (answered, moved, ended) while on its way: the effect must not stand
      // either, so the whole transaction rolls back.
      if (!marked) throw new Overtaken();
    };
    const giveUpAt = Date.now() + RECORD_PATIENCE_MS;
    for (let attempt = 1, waitMs = 100; ; attempt++, waitMs = Math.min(waitMs * 2, 500)) {
      try {
        // Without an effect, recording the send (and its follow-up) is one statement.
        await (plan.effect ? db.transaction().execute(record) : record(db));
        if (attempt > 1) logger.info('delivery recorded now that the database answers', { deliveryId: d.id });
        return 'recorded';
      } catch (error) {
        if (error instanceof Overtaken) {
          // An earlier attempt may have been committed with only its reply lost.
          const mine = attempt > 1 && (await recordedBy(db, d.id, { at: sent.at, workerId }));
          return mine ? 'recorded' : 'overtaken';
        }
        if (!isTransientDatabaseError(error) || stopping || Date.now() + waitMs > giveUpAt) throw error;
        if (attempt === 1)
          logger.warn('delivery sent; recording it once the database answers', {
            deliveryId: d.id,
            kind: d.kind,
            error: String(error),
          });
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /**
   * The thread replies of a long message, and any after-work (an upload). The delivery is
   * already recorded as sent, so a failure here is logged, never retried as a whole.
   */
  async function sendRest(client: WebClient, d: Delivery, plan: SendPlan, sent: SentMessage): Promise<void> {
    const threadTs = plan.message.thread_ts ?? sent.ts;
    try {
      for (const reply of plan.thread ?? []) {
        if (!sent.channelId || !threadTs) break;
        await postPatiently(client, {
          channel: sent.channelId,
          thread_ts: threadTs,
          ...reply,
          unfurl_links: false,
        });
      }
      await plan.after?.(sent);
    } catch (error) {
      logger.warn('the rest of a delivery could not be sent', {
        deliveryId: d.id,
        kind: d.kind,
        error: String(error),
      });
    }
  }

  /**
   * What was sent was overtaken while on its way (answered, moved, ended): take it back,
   * so no message with live buttons asks about something already settled.
   */
  async function withdraw(client: WebClient, d: Delivery, sent: SentMessage): Promise<void> {
    logger.info('delivery overtaken while sending; withdrawing the message', {
      deliveryId: d.id,
      kind: d.kind,
    });
    if (!sent.channelId || !sent.ts) return;
    await client.chat
      .delete({ channel: sent.channelId, ts: sent.ts })
      .catch((error: unknown) =>
        logger.warn('could not withdraw the message', { deliveryId: d.id, error: String(error) }),
      );
  }

  async function fail(
    ritual: DeliveryRitual,
    d: Delivery,
    error: unknown,
    report: SweepReport,
  ): Promise<void> {
    const now = clock.now();
    const failure = classifySlackFailure(error);
    const retry = (when: Date, countAttempt = true) =>
      reschedule(db, d.id, { when, at: now, error: failure.detail, countAttempt, workerId });
    if (failure.type === 'rate_limited') {
      // A 429 says "later", not "failed": it neither lengthens the back-off of a later 5xx
      // nor brings the give-up closer.
      await retry(new Date(now.getTime() + failure.retryAfterMs), false);
      tally(report, d, 'retried');
      return;
    }
    if (failure.type === 'transient' && d.attempts + 1 < MAX_ATTEMPTS) {
      logger.warn('delivery failed; will retry', { deliveryId: d.id, kind: d.kind, error: failure.detail });
      await retry(new Date(now.getTime() + backoffMs(d.attempts)));
      tally(report, d, 'retried');
      return;
    }
    if (error instanceof PermanentDeliveryError && error.detail === 'not_installed') {
      // Nobody to tell in a workspace that removed Labbook; the work simply ends.
      logger.info('delivery for a workspace without an installation; cancelled', {
        deliveryId: d.id,
        teamId: d.team_id,
      });
      await markCancelled(db, d.id, { at: now, workerId });
      tally(report, d, 'cancelled');
      return;
    }
    logger.warn('delivery failed for good', { deliveryId: d.id, kind: d.kind, error: failure.detail });
    await markFailed(db, d.id, { at: now, error: failure.detail, workerId });
    tally(report, d, 'failed');
    if (!ritual.failedForGood) return;
    try {
      await ritual.failedForGood({ services, client: await opts.clientFor(d.team_id) }, d, failure.detail);
    } catch (e) {
      logger.error('could not report a failed delivery', { deliveryId: d.id, error: e });
    }
  }

  async function sweepOnce(): Promise<SweepReport> {
    const endTimer = sweepDuration.startTimer();
    try {
      return await sweepBatches();
    } finally {
      endTimer();
    }
  }

  async function sweepBatches(): Promise<SweepReport> {
    const report: SweepReport = { sent: 0, deferred: 0, retried: 0, failed: 0, cancelled: 0 };
    await forgetIdleBudgets(db).catch((error: unknown) =>
      logger.warn('could not forget idle Slack budgets', { error: String(error) }),
    );
    for (const ritual of opts.rituals) {
      await ritual
        .topUp?.(services)
        .catch((error: unknown) => logger.error('ritual top-up failed', { error }));
    }
    for (let batch = 0; batch < MAX_BATCHES && !stopping; batch++) {
      const claimed = await claimDue(db, {
        now: clock.now(),
        limit: batchSize,
        leaseMs: opts.leaseMs,
        workerId,
      });
      if (claimed.length === 0) break;
      // Slack's limits are per workspace: one workspace waiting for its budget must not
      // hold back another's messages, so workspaces go side by side, each in turn.
      const claimedAt = Date.now();
      // Settled, not raced: a failure in one workspace must not end the sweep (and let
      // shutdown proceed) while another is still sending.
      const settled = await Promise.allSettled(
        [...byTeam(claimed).values()].map((group) => sendInTurn(group, claimedAt, report)),
      );
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    if (report.sent + report.failed + report.retried > 0) logger.info('scheduler sweep', { ...report });
    return report;
  }

  async function sendInTurn(group: Delivery[], claimedAt: number, report: SweepReport): Promise<void> {
    for (const [i, d] of group.entries()) {
      // Shutting down, or paced by Slack's limits for half the lease: hand the rest back
      // now (due again at once, for whichever replica is free) rather than let the claims
      // lapse one by one under a replica still waiting its turn.
      if (stopping || Date.now() - claimedAt > opts.leaseMs / 2) {
        const rest = group.slice(i).map((c) => c.id);
        await releaseClaims(db, rest, { at: clock.now(), workerId });
        return;
      }
      await handle(d, report);
    }
  }

  const sweep = async (): Promise<SweepReport> => {
    // One sweep at a time per process; replicas coordinate through the database.
    running ??= sweepOnce().finally(() => (running = undefined));
    return running;
  };

  return {
    sweep,
    start() {
      logger.info('scheduler started', { cron: opts.cron, workerId });
      task = cron.schedule(opts.cron, () => {
        sweep().catch((error: unknown) => logger.error('scheduler sweep failed', { error }));
      });
    },
    async stop() {
      stopping = true;
      await task?.stop();
      await running?.catch(() => undefined);
    },
  };
}
