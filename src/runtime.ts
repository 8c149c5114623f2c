import { systemClock, type Clock } from './clock.js';
import { secretsOf, type Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { createDb, type Db } from './db/index.js';
import { migrateToLatest } from './db/migrate.js';
import { ensureWorkspace } from './db/workspaces.js';
import { createLogger, type Logger } from './logger.js';
import type { Services } from './services.js';
import type { WebClient } from '@slack/web-api';
import { createInstallationStore } from './db/installations.js';
import { createSlackApp, type BotIdentity, type SlackApp, type SlackAuth } from './slack/app.js';
import { teamClients } from './slack/teamClients.js';
import { createTokenCipher } from './tokenCipher.js';
import { botClient, scheduledClient } from './slack/webClient.js';
import { deliveryRituals } from './rituals/index.js';
import { createScheduler, type Scheduler } from './scheduler/index.js';
import { createMetricReader } from './trackers/index.js';
import { watchDatabase } from './metrics/index.js';
import { startMetricsListener } from './metrics/http.js';

export interface Labbook {
  port: number;
  /** The loopback /metrics listener's port, when METRICS_PORT is set. */
  metricsPort: number | undefined;
  db: Db;
  /** The one workspace's bot, in single-workspace mode; undefined in OAuth mode. */
  identity: BotIdentity | undefined;
  slack: SlackApp;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

/**
 * Starts the whole bot: database (embedded when no DATABASE_URL), migrations, the Slack
 * identity check, listeners, and the HTTP server. The returned `stop` is the graceful
 * shutdown path used by SIGTERM and by tests alike.
 */
export async function startLabbook(config: Config, opts: StartOptions = {}): Promise<Labbook> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  const clock = opts.clock ?? systemClock;
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((error: unknown) => logger.warn('cleanup failed', { error }));
  };

  try {
    let embedded: EmbeddedDatabase | undefined;
    if (!config.databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir, logger);
      cleanups.push(() => embedded!.stop());
    }
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    const db = createDb(databaseUrl, {
      onError: (error) =>
        logger.warn('database connection lost; the pool will reconnect', { error: error.message }),
    });
    cleanups.push(() => db.destroy());
    await migrateToLatest(db, databaseUrl, logger);

    const trackers = createMetricReader(config.trackers, clock, logger);
    const services: Services = { db, clock, logger, trackers };
    const { auth, clientFor, identity } = await workspaces(config, services);
    let shuttingDown = false;
    const slack = createSlackApp(config, services, auth, () => shuttingDown);
    const unwatch = watchDatabase(db, clock);
    cleanups.push(() => Promise.resolve(unwatch()));
    const metrics =
      config.metrics.port === undefined
        ? undefined
        : await startMetricsListener(config.metrics.port, config.metrics.token);
    if (metrics) cleanups.push(() => metrics.close());
    const port = await slack.start();
    const scheduler = createScheduler(services, {
      cron: config.schedulerCron,
      leaseMs: config.schedulerLeaseMs,
      // OAuth mode serves only installed workspaces; single-workspace mode its one team.
      rituals: deliveryRituals({ installedOnly: config.oauth !== undefined }),
      clientFor,
    });
    if (config.schedulerCron !== 'off') scheduler.start();
    logger.info('Labbook is listening', {
      mode: config.mode,
      port,
      ...(metrics ? { metricsPort: metrics.port } : {}),
      ...(identity ? { teamId: identity.teamId } : { install: '/slack/install' }),
    });

    const stop = async () => {
      if (shuttingDown) return;
      // From here /healthz answers 503, so a load balancer stops sending work, while the
      // server still answers what reaches it until the sweep in flight has handed back
      // what it had not sent yet.
      shuttingDown = true;
      logger.info('shutting down: /healthz now 503; finishing the sweep and requests in flight');
      await scheduler.stop();
      // Closing the server stops new connections and waits for open requests to finish.
      await slack.stop().catch((error: unknown) => logger.warn('receiver stop failed', { error }));
      const drained = await slack.inFlight.drain(config.shutdownTimeoutMs);
      if (!drained)
        logger.warn('shutdown timeout: some Slack work was still running', { pending: slack.inFlight.size });
      await cleanup();
      logger.info('stopped');
    };
    return { port, metricsPort: metrics?.port, db, identity, slack, scheduler, stop };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Which workspaces Labbook serves, and with which tokens. Single-workspace mode: the one
 * whose SLACK_BOT_TOKEN passes auth.test. OAuth mode: every workspace with an installation,
 * each with its own token (SLACK_BOT_TOKEN is never read).
 */
async function workspaces(
  config: Config,
  services: Services,
): Promise<{
  auth: SlackAuth;
  clientFor: (teamId: string) => Promise<WebClient>;
  identity: BotIdentity | undefined;
}> {
  const { db, logger } = services;
  if (config.oauth) {
    const cipher = createTokenCipher(config.oauth.keys);
    return {
      auth: { mode: 'oauth', installationStore: createInstallationStore(db, cipher, logger) },
      clientFor: teamClients(db, cipher, logger, (token, teamId) =>
        scheduledClient(config, logger, token, { db, teamId }),
      ),
      identity: undefined,
    };
  }
  const identity = await whoAmI(config, logger);
  await ensureWorkspace(db, identity.teamId, { botUserId: identity.botUserId });
  const scheduled = scheduledClient(config, logger, config.slack.botToken, { db, teamId: identity.teamId });
  return {
    auth: { mode: 'single', identity },
    clientFor: () => Promise.resolve(scheduled),
    identity,
  };
}

/** auth.test: proves the token works before we accept traffic, and names our team and bot. */
async function whoAmI(config: Config, logger: Logger): Promise<BotIdentity> {
  const result = await botClient(config, logger).auth.test();
  if (!result.team_id || !result.user_id) throw new Error('auth.test did not return a team and bot user');
  return { teamId: result.team_id, botUserId: result.user_id, botId: result.bot_id ?? '' };
}
