import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import cron, { type ScheduledTask } from 'node-cron';
import { appendLog } from '../db/experimentLog.js';
import {
  claimDue,
  markCancelled,
  markFailed,
  markSent,
  releaseClaims,
  renewClaim,
  reschedule,
  scheduleDelivery,
} from '../db/deliveries.js';
import { findProject } from '../db/projects.js';
import type { Delivery } from '../db/schema/index.js';
import type { Services } from '../services.js';
import { planDelivery } from './deliver.js';
import { backoffMs, classifySlackFailure, MAX_ATTEMPTS } from './slackErrors.js';

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
}

export interface Scheduler {
  /** Finds and sends everything due now; safe to run on any number of replicas at once. */
  sweep(): Promise<SweepReport>;
  start(): void;
  /** Stops the timer and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

// A sweep stops after this many batches so one tick cannot run forever; the rest is
// picked up by the next tick.
const MAX_BATCHES = 100;

export function createScheduler(services: Services, client: WebClient, opts: SchedulerOptions): Scheduler {
  const workerId = randomUUID();
  const batchSize = opts.batchSize ?? 50;
  const { db, clock, logger } = services;
  let task: ScheduledTask | undefined;
  let running: Promise<SweepReport> | undefined;
  let stopping = false;

  async function handle(d: Delivery, report: SweepReport): Promise<void> {
    let plan;
    try {
      plan = await planDelivery(services, client, d);
    } catch (error) {
      return fail(d, error, report);
    }
    const at = clock.now();
    if (plan.type === 'cancel') {
      logger.debug('delivery no longer needed', { deliveryId: d.id, kind: d.kind, why: plan.why });
      await markCancelled(db, d.id, { at, workerId });
      report.cancelled++;
      return;
    }
    if (plan.type === 'later') {
      await reschedule(db, d.id, { when: plan.when, at, countAttempt: false, workerId });
      report.deferred++;
      return;
    }
    if (!(await renewClaim(db, d.id, { workerId, now: at, leaseMs: opts.leaseMs }))) {
      logger.info('delivery left to another replica: claim expired before sending', { deliveryId: d.id });
      return;
    }
    let posted;
    try {
      posted = await client.chat.postMessage({
        channel: plan.recipientId,
        ...plan.message,
        unfurl_links: false,
      });
    } catch (error) {
      return fail(d, error, report);
    }
    const sentAt = clock.now();
    try {
      const recorded = await db.transaction().execute(async (trx) => {
        // The hypothesis is locked before the delivery row, in the same order as an
        // answer being recorded, so the two cannot deadlock.
        await plan.effect?.(trx, sentAt);
        const marked = await markSent(trx, d.id, {
          at: sentAt,
          channelId: posted.channel ?? null,
          messageTs: posted.ts ?? null,
          workerId,
        });
        if (marked && plan.followUp) await scheduleDelivery(trx, plan.followUp(sentAt));
        return marked;
      });
      if (recorded) report.sent++;
      else await withdraw(d, posted.channel, posted.ts);
    } catch (error) {
      // The DM is out; retrying would send it again. Say so loudly instead.
      logger.error('delivery sent but not recorded', { deliveryId: d.id, kind: d.kind, error });
    }
  }

  /**
   * The hypothesis was answered (or its check-in moved) while this message was on its
   * way: take it back, so no DM with live buttons asks about something already settled.
   */
  async function withdraw(d: Delivery, channel: string | undefined, ts: string | undefined): Promise<void> {
    logger.info('delivery overtaken while sending; withdrawing the message', {
      deliveryId: d.id,
      kind: d.kind,
    });
    if (!channel || !ts) return;
    await client.chat
      .delete({ channel, ts })
      .catch((error: unknown) =>
        logger.warn('could not withdraw the message', { deliveryId: d.id, error: String(error) }),
      );
  }

  async function fail(d: Delivery, error: unknown, report: SweepReport): Promise<void> {
    const now = clock.now();
    const failure = classifySlackFailure(error);
    const retry = (when: Date) =>
      reschedule(db, d.id, { when, at: now, error: failure.detail, countAttempt: true, workerId });
    if (failure.type === 'rate_limited') {
      await retry(new Date(now.getTime() + failure.retryAfterMs));
      report.retried++;
      return;
    }
    if (failure.type === 'transient' && d.attempts + 1 < MAX_ATTEMPTS) {
      logger.warn('delivery failed; will retry', { deliveryId: d.id, kind: d.kind, error: failure.detail });
      await retry(new Date(now.getTime() + backoffMs(d.attempts)));
      report.retried++;
      return;
    }
    logger.warn('delivery failed for good', { deliveryId: d.id, kind: d.kind, error: failure.detail });
    await markFailed(db, d.id, { at: now, error: failure.detail, workerId });
    report.failed++;
    await tellLeadOfFailure(d, failure.detail).catch((e: unknown) =>
      logger.error('could not report a failed delivery', { deliveryId: d.id, error: e }),
    );
  }

  /**
   * A delivery that can never arrive is recorded in the log and shown to the project
   * lead; if the lead is the one who cannot be reached, the project channel hears it.
   */
  async function tellLeadOfFailure(d: Delivery, detail: string): Promise<void> {
    if (d.kind === 'failure_notice' || !d.project_id) return;
    const project = await findProject(db, d.team_id, d.project_id);
    if (!project) return;
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await appendLog(trx, {
        teamId: d.team_id,
        projectId: project.id,
        hypothesisId: d.hypothesis_id,
        kind: 'note',
        authorUserId: 'USLACKBOT',
        text: `A ${d.kind === 'checkin' ? 'check-in' : d.kind.replace('_', ' ')} could not be delivered to its recipient: ${detail}.`,
        details: { deliveryId: d.id, recipient: d.recipient_id, error: detail },
        at: now,
      });
      await scheduleDelivery(trx, {
        teamId: d.team_id,
        kind: 'failure_notice',
        dedupeKey: `failure_notice:${d.id}`,
        recipientId: project.lead_user_id === d.recipient_id ? project.channel_id : project.lead_user_id,
        dueAt: now,
        projectId: project.id,
        hypothesisId: d.hypothesis_id,
        at: now,
      });
    });
  }

  async function sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = { sent: 0, deferred: 0, retried: 0, failed: 0, cancelled: 0 };
    for (let batch = 0; batch < MAX_BATCHES && !stopping; batch++) {
      const claimed = await claimDue(db, {
        now: clock.now(),
        limit: batchSize,
        leaseMs: opts.leaseMs,
        workerId,
      });
      if (claimed.length === 0) break;
      for (const [i, d] of claimed.entries()) {
        if (stopping) {
          // Shutting down: hand the rest back now rather than after the lease runs out.
          const rest = claimed.slice(i).map((c) => c.id);
          await releaseClaims(db, rest, { at: clock.now(), workerId });
          break;
        }
        await handle(d, report);
      }
    }
    if (report.sent + report.failed + report.retried > 0) logger.info('scheduler sweep', { ...report });
    return report;
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
