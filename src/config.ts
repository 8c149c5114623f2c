import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * Everything Labbook reads from the environment, validated once at start-up so a
 * misconfigured deployment fails with one readable message instead of a stack trace
 * deep inside Bolt or pg.
 */
const ConfigSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is required: the Bot User OAuth Token (xoxb-…) from "OAuth & Permissions"' })
      .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' }),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith('xapp-', { error: 'must be an app-level token starting with xapp- (Socket Mode)' })
      .optional(),
    SLACK_API_URL: z
      .url({ error: 'must be a URL such as https://slack.com/api/' })
      .default('https://slack.com/api/')
      .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
    PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int()
      .min(0)
      .max(65535, { error: 'must be a port number between 0 and 65535' })
      .default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection string' })
      .optional(),
    LABBOOK_DATA_DIR: z.string().min(1).default('.data'),
    LOG_LEVEL: z
      .enum(['debug', 'info', 'warn', 'error'], { error: 'must be one of debug, info, warn, error' })
      .default('info'),
    SCHEDULER_CRON: z.string().min(1).default('* * * * *'),
    // How long shutdown waits for in-flight work before closing the pool anyway; kept
    // under the 10 s most orchestrators allow between SIGTERM and SIGKILL.
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  })
  .superRefine((env, ctx) => {
    // Socket Mode authenticates the websocket with the app token; HTTP mode must verify
    // every request's signature, so the secret is mandatory there.
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'is required in HTTP mode: copy the Signing Secret from "Basic Information" (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  });

type Env = z.infer<typeof ConfigSchema>;

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
  };
  mode: 'http' | 'socket';
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  schedulerCron: string;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Labbook cannot start; fix these settings (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.LABBOOK_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    schedulerCron: e.SCHEDULER_CRON,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/** `FOO=` in a .env file means "not set", not "set to the empty string". */
function emptyAsUnset(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}

/** Reads `.env` into process.env when present; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Values that must never reach a log line. */
export function secretsOf(config: Config): string[] {
  return [config.slack.botToken, config.slack.signingSecret, config.slack.appToken].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}
