import type { FetchFunction } from '@slack/web-api';
import type { PacingSettings } from '../config.js';
import { holdBudgets, releaseSlot, reserveSlot, type BudgetDraw } from '../db/slackBudgets.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';

/**
 * Labbook's budget for scheduled traffic in one workspace, below Slack's limits (Slack's
 * numbers are in src/sandbox/slack/rateLimits.ts): 95% of the rate and half the burst, so
 * answers to people (never paced: someone is waiting) still find room. Only the methods a
 * burst of scheduled work calls in bulk are paced.
 */
const SHARE = 0.95;
const BUDGETS: Record<string, { perMinute: number; burst: number }> = {
  // Slack: "several hundred messages per minute" per workspace (we read 300), bursts of 30.
  'chat.postMessage': { perMinute: 300 * SHARE, burst: 15 },
  // Tier 2 (20/min), to list people a page at a time.
  'users.list': { perMinute: 20 * SHARE, burst: 3 },
  // Tier 4 (100/min): only for people the directory does not know yet.
  'users.info': { perMinute: 100 * SHARE, burst: 10 },
  'users.profile.get': { perMinute: 100 * SHARE, burst: 10 },
};
/** Slack: about one message a second in a channel, with short bursts. */
const PER_CHANNEL = { perMinute: 60 * SHARE, burst: 2 };

/** The budgets a call to `method` (in `channel`) draws on. */
export function draws(settings: PacingSettings, method: string, channel: string | undefined): BudgetDraw[] {
  if (settings === 'off') return [];
  const budget = BUDGETS[method];
  if (!budget) return [];
  const draw = (bucket: string, b: { perMinute: number; burst: number }): BudgetDraw => {
    const intervalMs = 60_000 / b.perMinute / settings.scale;
    return { bucket, intervalMs, toleranceMs: (b.burst - 1) * intervalMs };
  };
  return [
    draw(method, budget),
    ...(method === 'chat.postMessage' && channel ? [draw(`${method}#${channel}`, PER_CHANNEL)] : []),
  ];
}

export interface PacingOptions {
  db: Db;
  teamId: string;
  settings: PacingSettings;
  slackApiUrl: string;
  logger: Logger;
  /** The client's own timeout: the wait for a slot must not count against it. */
  timeoutMs: number;
  /** A longer wait gives the slot back and answers 429 at once, so the delivery is put off instead. */
  maxWaitMs: number;
}

/**
 * The fetch of a workspace's scheduled client: each paced call first reserves its slot in
 * the budgets every replica shares (PostgreSQL), waits for it, then goes out; a 429 from
 * Slack holds those budgets for every replica until its Retry-After has passed.
 */
export function pacedFetch(inner: FetchFunction, opts: PacingOptions): FetchFunction {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input.href;
    const method = url.startsWith(opts.slackApiUrl)
      ? url.slice(opts.slackApiUrl.length).split(/[?#]/)[0]!
      : '';
    const drawn = draws(opts.settings, method, channelOf(init?.body));
    if (drawn.length === 0) return inner(input, init);
    const waitMs = await reserveSlot(opts.db, opts.teamId, drawn);
    if (waitMs > opts.maxWaitMs) {
      await releaseSlot(opts.db, opts.teamId, drawn);
      opts.logger.debug('Slack budget spent; putting the call off', { method, waitMs });
      return tooMany(Math.ceil(waitMs / 1000));
    }
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const res = await inner(input, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get('retry-after')) || 1;
      opts.logger.warn('Slack rate-limited a paced call; every replica holds back', { method, retryAfter });
      await holdBudgets(opts.db, opts.teamId, drawn, retryAfter * 1000);
    }
    return res;
  };
}

/** `channel` of a form-encoded Web API call (the WebClient's way of sending arguments). */
function channelOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  return new URLSearchParams(body).get('channel') ?? undefined;
}

/** What Slack would answer if the call went now: Labbook answers it for Slack, without asking. */
function tooMany(retryAfterSeconds: number): Response {
  return new Response(JSON.stringify({ ok: false, error: 'ratelimited' }), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(Math.max(1, retryAfterSeconds)) },
  });
}
