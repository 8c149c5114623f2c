import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Db } from '../db/index.js';
import { meteredFetch } from '../metrics/slackApi.js';
import { pacedFetch } from './pacing.js';

/**
 * The client behind interactive answers (acks, modals, ephemeral replies). Someone is
 * waiting, so retries are few and short; a 429 is honoured (Slack's Retry-After) but
 * scheduled traffic uses its own client (see scheduledClient) so it can never pause
 * these calls.
 */
export function interactiveClientOptions(config: Config, logger: Logger): WebClientOptions {
  return {
    slackApiUrl: config.slack.apiUrl,
    fetch: meteredFetch(config.slack.apiUrl),
    logger,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000, randomize: true },
  };
}

const SCHEDULED_TIMEOUT_MS = 10_000;

/**
 * The client behind scheduled deliveries. The WebClient's default would retry for about
 * half an hour and, on a 429, hold back every call made through it; a delivery that
 * cannot go out now is instead rescheduled in the database, so this client fails fast
 * and reports rate limits to the caller. Given its workspace (`pace`), its calls are paced
 * under Slack's limits on a budget every replica shares (pacing.ts).
 */
export function scheduledClient(
  config: Config,
  logger: Logger,
  token: string | undefined = config.slack.botToken,
  pace?: { db: Db; teamId: string },
): WebClient {
  const metered = meteredFetch(config.slack.apiUrl);
  return new WebClient(token, {
    slackApiUrl: config.slack.apiUrl,
    fetch: pace
      ? pacedFetch(metered, {
          ...pace,
          settings: config.slackPacing,
          slackApiUrl: config.slack.apiUrl,
          logger,
          timeoutMs: SCHEDULED_TIMEOUT_MS,
          // A claimed delivery waits for its slot well inside its lease.
          maxWaitMs: Math.min(config.schedulerLeaseMs / 4, 30_000),
        })
      : metered,
    logger,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: SCHEDULED_TIMEOUT_MS,
  });
}

export function botClient(config: Config, logger: Logger): WebClient {
  return new WebClient(config.slack.botToken, interactiveClientOptions(config, logger));
}

/**
 * How long a lookup (users.info) may hold up an answer. A trigger_id is good for 3 seconds;
 * the modal waiting on the lookup needs the rest.
 */
export const LOOKUP_TIMEOUT_MS = 1_000;

/**
 * How many lookup clients are kept. In OAuth mode there is one per workspace token, and a
 * client holds its token for as long as it is kept, so only the most recently used are:
 * a workspace that uninstalled (or whose token changed) drops out instead of staying in
 * memory with its token for the life of the process.
 */
export const LOOKUP_CLIENTS_KEPT = 32;

/** Least recently used first (a Map iterates in insertion order; a hit is moved to the end). */
const lookupClients = new Map<string, WebClient>();

/**
 * A side client for lookups made on the way to an answer, sharing the caller's token and
 * API URL. On a 429 the WebClient pauses every call it makes for the Retry-After, so a
 * rate-limited users.info on the interactive client would hold back the views.open behind
 * it until its trigger_id expired. This one fails fast instead (no retry, no wait, a short
 * timeout) and the caller words its answer without the lookup.
 */
export function lookupClient(client: WebClient, logger: Logger): WebClient {
  const key = `${client.slackApiUrl}|${client.token ?? ''}`;
  let lookups = lookupClients.get(key);
  if (lookups) {
    lookupClients.delete(key);
  } else {
    lookups = new WebClient(client.token, {
      slackApiUrl: client.slackApiUrl,
      fetch: meteredFetch(client.slackApiUrl),
      logger,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: LOOKUP_TIMEOUT_MS,
    });
  }
  lookupClients.set(key, lookups);
  while (lookupClients.size > LOOKUP_CLIENTS_KEPT) {
    const oldest = lookupClients.keys().next().value;
    if (oldest === undefined) break;
    lookupClients.delete(oldest);
  }
  return lookups;
}
