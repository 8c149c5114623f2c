import { digestMessage, teamDigestMessage } from '../../../blocks/digest.js';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { plain, userText } from '../../../blocks/text.js';
import type { Logger } from '../../logger.js';
import { scheduleDelivery } from '../../db/deliveries.js';
import {
  EARLIEST_ZONE,
  digestChartOf,
  digestSettingsFor,
  rememberDigestChart,
  saveDigestSettings,
} from '../../db/digests.js';
import type { Db } from '../../db/index.js';
import { findProject } from '../../db/projects.js';
import type { Delivery, Project } from '../../db/schema/index.js';
import { cachedUser } from '../../db/slackUsers.js';
import { recipientZone } from '../../scheduler/people.js';
import { classifySlackFailure, PERMANENT_ERRORS } from '../../scheduler/slackErrors.js';
import type { DeliveryContext, DeliveryPlan, DeliveryRitual } from '../../scheduler/rituals.js';
import {
  DIGEST_KIND,
  DIGEST_NOTICE_KIND,
  isOn,
  nextDigestDelivery,
  parseDigestKey,
  projectDigest,
  reportedWeek,
  scheduleNextDigest,
  scheduleOf,
  stoppedText,
  teamDigests,
  topUpDigests,
  type DigestOptions,
  type DigestTargetRef,
} from './digests.js';
import type { Digest } from './model.js';
import { nextSlot, slotOnOrBefore, weekKey, type DigestSchedule } from './weeks.js';

/** The weekly digest's deliveries: the digest itself, and the notice to the lead when it had to stop. */
export const digestDeliveries = (opts: DigestOptions): DeliveryRitual => ({
  kinds: [DIGEST_KIND, DIGEST_NOTICE_KIND],
  plan: (ctx, d) => (d.kind === DIGEST_KIND ? planDigest(ctx, d) : planNotice(ctx, d)),
  failedForGood: digestFailed,
  topUp: (services) => topUpDigests(services, opts).then(() => undefined),
});

interface Target extends DigestTargetRef {
  project: Project | undefined;
  schedule: DigestSchedule;
}

type ZoneOf = (ctx: DeliveryContext, teamId: string, leadUserId: string) => Promise<string>;

/** The channel, its project (if any) and its schedule now, or why there is no digest to send. */
async function targetOf(
  ctx: DeliveryContext,
  d: Delivery,
  zoneOf: ZoneOf = leadZone,
): Promise<Target | string> {
  const { services } = ctx;
  const key = parseDigestKey(d.dedupe_key);
  if (!key) return 'unreadable key';
  const settings = await digestSettingsFor(services.db, d.team_id, key.channelId);
  if (!isOn(settings)) return 'digests off or stopped for this channel';
  const project = d.project_id ? await findProject(services.db, d.team_id, d.project_id) : undefined;
  if (d.project_id && (!project || project.channel_id !== key.channelId)) return 'project gone or moved';
  if (!project && !settings) return 'team-wide digest without settings';
  const tz = settings?.tz ?? (project ? await zoneOf(ctx, d.team_id, project.lead_user_id) : 'UTC');
  return {
    teamId: d.team_id,
    channelId: key.channelId,
    projectId: project?.id ?? null,
    project,
    schedule: scheduleOf(settings, tz),
  };
}

/**
 * The lead's zone. A lead who left is no reason to stop the channel's digest (the
 * channel still reads it), so it then goes out in their last known zone; rate limits
 * and outages still propagate, and the delivery is retried.
 */
async function leadZone(ctx: DeliveryContext, teamId: string, leadUserId: string): Promise<string> {
  try {
    return await recipientZone(ctx.services, ctx.client, teamId, leadUserId);
  } catch (error) {
    if (classifySlackFailure(error).type !== 'permanent') throw error;
    return (await cachedUser(ctx.services.db, teamId, leadUserId))?.tz ?? 'UTC';
  }
}

/**
 * A digest falls due. It goes out if its week is the current one (its slot has passed and
 * the next has not: a digest missed while every replica was down still goes out the same
 * week); it waits if its slot moved later (the lead's zone, looked up now, is west of the
 * one assumed); otherwise its week is over and it is skipped, the next week scheduled.
 */
async function planDigest(ctx: DeliveryContext, d: Delivery): Promise<DeliveryPlan> {
  const { db, clock } = ctx.services;
  const now = clock.now();
  const target = await targetOf(ctx, d);
  if (typeof target === 'string') return { type: 'cancel', why: target };
  const { schedule } = target;
  const keyWeek = parseDigestKey(d.dedupe_key)!.week;
  const slot = slotOnOrBefore(now, schedule);
  if (weekKey(slot, schedule.tz) !== keyWeek) {
    const upcoming = nextSlot(now, schedule);
    if (weekKey(upcoming, schedule.tz) === keyWeek) return { type: 'later', when: upcoming };
    await scheduleNextDigest(db, target, schedule, now, now);
    return { type: 'cancel', why: `week of ${keyWeek} is over` };
  }
  const week = await reportedWeek(db, target, schedule, slot);
  const followUp = () => nextDigestDelivery(target, schedule, slot, clock.now());
  let message;
  let digest: Digest | undefined;
  if (target.project) {
    digest = await projectDigest(db, target.project, schedule, week, now, ctx.services.trackers);
    if (digest.kind === 'silent') {
      // Four weeks with nothing running and nothing concluded: no digest at all.
      await scheduleDelivery(db, followUp());
      return { type: 'cancel', why: 'nothing running or concluded for four weeks' };
    }
    const chart =
      digest.kind === 'full'
        ? await chartImage(ctx.client, digest, ctx.services.logger, {
            db,
            teamId: d.team_id,
            deliveryId: d.id,
            at: now,
          })
        : undefined;
    message = digestMessage(digest, { thread: true, ...(chart ? { chart } : {}) });
  } else {
    const digests = await teamDigests(db, target.teamId, schedule, week, now);
    if (digests.every((x) => x.kind === 'silent')) {
      await scheduleDelivery(db, followUp());
      return { type: 'cancel', why: 'no project had anything running or concluded for four weeks' };
    }
    message = teamDigestMessage(digests, schedule.tz, week);
  }
  const { thread, ...first } = message;
  return {
    type: 'send',
    recipientId: target.channelId,
    message: first,
    ...(thread ? { thread } : {}),
    followUp,
  };
}

const CHART_ALT =
  'Bar chart of validated, disproven (knowledge gained), inconclusive and abandoned hypotheses per week, last 12 weeks.';

/** A scheduled digest's delivery, under which its uploaded chart is remembered. */
interface ChartOfDelivery {
  db: Db;
  teamId: string;
  deliveryId: number;
  at: Date;
}

/**
 * The chart goes with the digest's own message, where the channel sees it: uploaded first
 * and shared nowhere, then drawn by an image block of that file. If the upload fails the
 * digest goes out without it. A scheduled digest uploads it once: a retry after a failed
 * post reuses the file the first attempt uploaded, rather than leaving it unused in the
 * workspace's files.
 */
export async function chartImage(
  client: WebClient,
  digest: Digest,
  logger: Logger,
  delivery?: ChartOfDelivery,
): Promise<KnownBlock | undefined> {
  const title = `${digest.projectName}: outcomes over the last 12 weeks`;
  const block = (id: string): KnownBlock => ({
    type: 'image',
    slack_file: { id },
    alt_text: CHART_ALT,
    title: plain(title, 2000),
  });
  try {
    const earlier = delivery && (await digestChartOf(delivery.db, delivery.teamId, delivery.deliveryId));
    if (earlier) return block(earlier);
    // The chart stack (Vega, Vega-Lite, resvg: tens of MB resident) loads with the first
    // chart drawn, not at start-up: a replica that never draws one never holds it.
    const { renderChart } = await import('./chart.js');
    const png = await renderChart(digest.chart, digest.tz, `${digest.projectName}: outcomes per week`);
    const uploaded = (await client.files.uploadV2({
      file: png,
      filename: 'digest-outcomes.png',
      title,
      alt_text: CHART_ALT,
    })) as { files?: { files?: { id?: string }[] }[] };
    const id = uploaded.files?.[0]?.files?.[0]?.id;
    if (!id) return undefined;
    if (delivery) {
      const { db, teamId, deliveryId, at } = delivery;
      await rememberDigestChart(db, { teamId, deliveryId, fileId: id, at });
    }
    return block(id);
  } catch (error) {
    logger.warn('digest chart upload failed; the digest goes without it', {
      projectId: digest.projectId,
      error: String(error),
    });
    return undefined;
  }
}

/**
 * The lead's zone as last seen, without asking Slack (which may be the thing that is down);
 * else the earliest zone, as the top-up assumes: planDigest defers to the real slot.
 */
async function lastKnownZone(ctx: DeliveryContext, teamId: string, leadUserId: string): Promise<string> {
  return (await cachedUser(ctx.services.db, teamId, leadUserId))?.tz ?? EARLIEST_ZONE;
}

/**
 * A digest that could not be sent. Slack refused the channel for good (removed, archived,
 * deleted): the channel's digest stops until someone sets its schedule again, and whoever
 * can fix it is told once. Anything else (a long outage outlasting every retry) is no
 * reason to stop it: next week's digest is scheduled and covers this week too.
 */
async function digestFailed(ctx: DeliveryContext, d: Delivery, detail: string): Promise<void> {
  if (d.kind !== DIGEST_KIND) return;
  if (PERMANENT_ERRORS.has(detail)) return stopDigest(ctx, d, detail);
  const { db, clock, logger } = ctx.services;
  const target = await targetOf(ctx, d, lastKnownZone);
  if (typeof target === 'string') {
    logger.info('digest failed after every retry; not rescheduled', {
      deliveryId: d.id,
      error: detail,
      why: target,
    });
    return;
  }
  const now = clock.now();
  const next = await scheduleNextDigest(db, target, target.schedule, now, now);
  logger.warn('digest failed after every retry; next week’s digest will cover this week', {
    deliveryId: d.id,
    teamId: d.team_id,
    channelId: target.channelId,
    error: detail,
    next: next.toISOString(),
  });
}

async function stopDigest({ services }: DeliveryContext, d: Delivery, detail: string): Promise<void> {
  const key = parseDigestKey(d.dedupe_key);
  if (!key) return;
  const { db, clock } = services;
  const now = clock.now();
  const project = d.project_id ? await findProject(db, d.team_id, d.project_id) : undefined;
  const settings = await digestSettingsFor(db, d.team_id, key.channelId);
  const tellWhom = project?.lead_user_id ?? settings?.set_by;
  await db.transaction().execute(async (trx) => {
    await saveDigestSettings(trx, {
      teamId: d.team_id,
      channelId: key.channelId,
      projectId: project?.id ?? null,
      stoppedReason: detail,
      setBy: settings?.set_by ?? tellWhom ?? 'USLACKBOT',
      at: now,
    });
    if (!tellWhom) return;
    await scheduleDelivery(trx, {
      teamId: d.team_id,
      kind: DIGEST_NOTICE_KIND,
      dedupeKey: `${DIGEST_NOTICE_KIND}:${key.channelId}:${d.id}`,
      recipientId: tellWhom,
      dueAt: now,
      projectId: project?.id ?? null,
      at: now,
    });
  });
}

async function planNotice({ services }: DeliveryContext, d: Delivery): Promise<DeliveryPlan> {
  const [, channelId = ''] = d.dedupe_key.split(':');
  const settings = await digestSettingsFor(services.db, d.team_id, channelId);
  if (!settings?.stopped_reason) return { type: 'cancel', why: 'digest running again' };
  const project = d.project_id ? await findProject(services.db, d.team_id, d.project_id) : undefined;
  const what = project ? `*${userText(project.name, 120)}*` : 'all projects';
  const text = stoppedText(channelId, settings.stopped_reason, what);
  return {
    type: 'send',
    recipientId: d.recipient_id,
    message: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
  };
}
