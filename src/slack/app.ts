import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { Config } from '../config.js';
import { ensureWorkspace } from '../db/workspaces.js';
import type { Services } from '../services.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { gateRequests } from './gate.js';
import { healthRoute } from './health.js';
import { InFlight } from './inflight.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';
import { interactiveClientOptions } from './webClient.js';

export interface BotIdentity {
  teamId: string;
  botUserId: string;
  botId: string;
}

export interface SlackApp {
  app: App;
  inFlight: InFlight;
  /** Starts listening; returns the HTTP port actually bound (PORT=0 picks one). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Composes the Bolt app: receiver by mode, shared middleware, listeners by Slack surface. */
export function createSlackApp(
  config: Config,
  services: Services,
  identity: BotIdentity,
  isShuttingDown: () => boolean,
): SlackApp {
  const { logger } = services;
  const customRoutes = [healthRoute(services.db, isShuttingDown)];
  const receiver: Receiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.slack.appToken!,
          logger,
          customRoutes,
          // The Socket Mode client takes its API URL from here, not from clientOptions.
          installerOptions: { port: config.port, clientOptions: { slackApiUrl: config.slack.apiUrl } },
        })
      : new HTTPReceiver({
          signingSecret: config.slack.signingSecret!,
          endpoints: '/slack/events',
          customRoutes,
          logger,
          // Ack is sent the moment a listener calls ack(); the rest of the work continues.
          processBeforeResponse: false,
        });

  const app = new App({
    token: config.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    receiver,
    logger,
    clientOptions: interactiveClientOptions(config, logger),
  });

  gateRequests(app, app.client, logger);

  const inFlight = new InFlight();
  const knownTeams = new Set<string>();
  app.use(async ({ context, next }) => {
    await inFlight.track(
      (async () => {
        const teamId = context.teamId;
        if (teamId && !knownTeams.has(teamId)) {
          await ensureWorkspace(services.db, teamId);
          knownTeams.add(teamId);
        }
        await next();
      })(),
    );
  });

  registerCommands(app, services);
  registerActions(app, services);
  registerViews(app, services);
  registerShortcuts(app, services);
  registerEvents(app, services);

  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', { error });
  });

  return {
    app,
    inFlight,
    async start() {
      const server = (await app.start(config.port)) as unknown;
      return boundPort(server) ?? config.port;
    },
    stop: () => app.stop().then(() => undefined),
  };
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
