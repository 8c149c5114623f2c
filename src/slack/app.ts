import { App, HTTPReceiver, SocketModeReceiver, type InstallationStore, type Receiver } from '@slack/bolt';
import type { Config } from '../config.js';
import { NotInstalledError } from '../db/installations.js';
import { ensureWorkspace } from '../db/workspaces.js';
import type { Services } from '../services.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { registerInstallationEvents } from './events/installations.js';
import { gateRequests } from './gate.js';
import { healthRoute } from './health.js';
import { InFlight } from './inflight.js';
import { metricsRoute } from '../metrics/http.js';
import { oauthReceiverOptions } from './oauth/installer.js';
import { routesOn } from './routes.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';
import { interactiveClientOptions } from './webClient.js';

export interface BotIdentity {
  teamId: string;
  botUserId: string;
  botId: string;
}

/**
 * Whose token answers a request: the one workspace's (SLACK_BOT_TOKEN, checked at start-up)
 * or, in OAuth mode, the installation of the workspace the request comes from.
 */
export type SlackAuth =
  { mode: 'single'; identity: BotIdentity } | { mode: 'oauth'; installationStore: InstallationStore };

export interface SlackApp {
  app: App;
  inFlight: InFlight;
  /** Starts listening; returns the HTTP port actually bound (PORT=0 picks one). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

// A new workspace's row is written before its first request goes on, but a database slow to
// connect must not eat Slack's 3 s for the ack.
const WORKSPACE_WAIT_MS = 1_000;

/** Composes the Bolt app: receiver by mode, shared middleware, listeners by Slack surface. */
export function createSlackApp(
  config: Config,
  services: Services,
  auth: SlackAuth,
  isShuttingDown: () => boolean,
): SlackApp {
  const { logger } = services;
  const customRoutes = [healthRoute(services.db, isShuttingDown), ...metricsRoute(config.metrics)];
  // OAuth mode: Bolt's own install flow, on either receiver; /slack/install and
  // /slack/oauth_redirect are served beside /healthz.
  const oauth =
    auth.mode === 'oauth' && config.oauth
      ? oauthReceiverOptions(config.oauth, services.db, auth.installationStore, config.slack.apiUrl)
      : undefined;
  const receiver: Receiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.slack.appToken!,
          logger,
          customRoutes,
          ...oauth,
          // The Socket Mode client takes its API URL from here, not from clientOptions.
          installerOptions: {
            ...oauth?.installerOptions,
            port: config.port,
            clientOptions: { slackApiUrl: config.slack.apiUrl },
          },
        })
      : new HTTPReceiver({
          signingSecret: config.slack.signingSecret!,
          endpoints: '/slack/events',
          customRoutes,
          logger,
          // Ack is sent the moment a listener calls ack(); the rest of the work continues.
          processBeforeResponse: false,
          ...oauth,
        });

  const app = new App({
    // Single-workspace mode: one token for everything. OAuth mode: Bolt's authorize reads
    // the installation of the workspace each request comes from.
    ...(auth.mode === 'single'
      ? { token: config.slack.botToken, botId: auth.identity.botId, botUserId: auth.identity.botUserId }
      : {}),
    receiver,
    logger,
    clientOptions: interactiveClientOptions(config, logger),
  });

  gateRequests(app, logger);

  const inFlight = new InFlight();
  const knownTeams = new Set<string>();
  app.use(async ({ context, next }) => {
    await inFlight.track(
      (async () => {
        const teamId = context.teamId;
        if (teamId && !knownTeams.has(teamId)) {
          // Not worth failing or holding up the request for: with the database away its
          // listener still acknowledges and says so in its own words, and the row is
          // written on a later request.
          const recorded = ensureWorkspace(services.db, teamId, {
            enterpriseId: context.enterpriseId ?? null,
          }).then(
            () => knownTeams.add(teamId),
            (error: unknown) =>
              logger.warn('could not record the workspace; will try on its next request', {
                teamId,
                error: String(error),
              }),
          );
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            recorded,
            new Promise((resolve) => (timer = setTimeout(resolve, WORKSPACE_WAIT_MS))),
          ]);
          clearTimeout(timer);
        }
        await next();
      })(),
    );
  });

  registerCommands(app, services);
  const routes = routesOn(app);
  registerActions(routes, services);
  registerViews(routes, services);
  registerShortcuts(app, services);
  registerEvents(routes, services);
  if (auth.mode === 'oauth') registerInstallationEvents(routes, services);

  app.error(async (error) => {
    // OAuth mode: a workspace that uninstalled (or was forgotten) may still send a click;
    // nothing is wrong with Labbook, and Slack gets its ack.
    if (rootCause(error) instanceof NotInstalledError) {
      logger.info('request from a workspace without an installation; ignored', { error: error.message });
      return;
    }
    logger.error('unhandled error in a Slack listener', { error });
  });

  return {
    app,
    inFlight,
    async start() {
      const server = (await app.start(
        config.listenHost ? { port: config.port, host: config.listenHost } : config.port,
      )) as unknown;
      return boundPort(server) ?? config.port;
    },
    stop: () => app.stop().then(() => undefined),
  };
}

/** Bolt and @slack/oauth wrap authorize failures; the first error is under `original`. */
function rootCause(error: unknown): unknown {
  let e = error;
  while (e && typeof e === 'object' && 'original' in e && e.original) e = e.original;
  return e;
}

function boundPort(server: unknown): number | undefined {
  if (server && typeof server === 'object' && 'address' in server && typeof server.address === 'function') {
    const address: unknown = server.address();
    if (address && typeof address === 'object' && 'port' in address && typeof address.port === 'number') {
      return address.port;
    }
  }
  return undefined;
}
