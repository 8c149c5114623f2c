import { ManualClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startLabbook, type Labbook } from '../../src/runtime.js';
import { createTestDatabase } from './db.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import type { RateLimitSettings } from '../../src/sandbox/slack/rateLimits.js';
import type { SlackTarget } from '../../src/sandbox/slack/requests.js';

export const TEAM = 'T0LABBOOK';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-0000-bot-token';

export interface TestApp {
  labbook: Labbook;
  fake: EmbeddedSlack;
  clock: ManualClock;
  target: SlackTarget;
  baseUrl: string;
  databaseUrl: string;
  logs: string[];
  stop(): Promise<void>;
}

/** Test settings for `config`, on top of the environment a real deployment would set. */
export function testEnv(
  fake: EmbeddedSlack,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'debug',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Tests run sweeps themselves, with the injected clock.
    SCHEDULER_CRON: 'off',
    // Rate limits are off in the fake unless a test is about them (see startTestApp), and
    // Labbook's pacing with them.
    SLACK_PACING: 'off',
    ...extra,
  };
}

/**
 * The whole bot in this process, on its real HTTP receiver, against a fresh database and
 * the fake Slack. Time is a ManualClock the test moves.
 */
export async function startTestApp(
  opts: {
    fake?: EmbeddedSlack;
    clock?: ManualClock;
    databaseUrl?: string;
    env?: Record<string, string>;
    /** Slack's rate limits in the fake this starts (default off); pair with env SLACK_PACING. */
    rateLimits?: RateLimitSettings;
  } = {},
): Promise<TestApp> {
  const fake =
    opts.fake ?? (await EmbeddedSlack.start({ teamId: TEAM, rateLimits: opts.rateLimits ?? 'off' }));
  const clock = opts.clock ?? new ManualClock('2026-11-23T10:00:00Z');
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const config: Config = loadConfig(testEnv(fake, databaseUrl, opts.env));
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const labbook = await startLabbook(config, { clock, logger });
  const baseUrl = `http://127.0.0.1:${labbook.port}`;
  return {
    labbook,
    fake,
    clock,
    baseUrl,
    databaseUrl,
    logs,
    target: { url: `${baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, slack: fake },
    async stop() {
      await labbook.stop();
      if (!opts.fake) await fake.close();
    },
  };
}
