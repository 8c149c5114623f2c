import { existsSync } from 'node:fs';
import cron from 'node-cron';
import { z } from 'zod';

/**
 * Everything Labbook reads from the environment, validated once at start-up so a
 * misconfigured deployment fails with one readable message instead of a stack trace
 * deep inside Bolt or pg.
 */
const ConfigSchema = z.object({
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
  // 'off' runs a replica that only answers Slack and never sends scheduled work.
  SCHEDULER_CRON: z
    .string()
    .min(1)
    .default('* * * * *')
    .refine((v) => v === 'off' || cron.validate(v), {
      error: "must be a cron expression such as '* * * * *', or off",
    }),
  SCHEDULER_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  // How long shutdown waits for in-flight work before closing the pool anyway; kept
  // under the 10 s most orchestrators allow between SIGTERM and SIGKILL.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
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
  schedulerLeaseMs: number;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Labbook cannot start; fix these settings (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = emptyAsUnset(env);
  const parsed = ConfigSchema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  // Checked on the raw values, beside the schema, so it is reported together with every
  // other problem (a zod refinement would be skipped once any field fails).
  if (!raw.SLACK_APP_TOKEN && !raw.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode: copy the Signing Secret from "Basic Information" (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
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
    schedulerLeaseMs: e.SCHEDULER_LEASE_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/** `FOO=` in a .env file means "not set", not "set to the empty string". */
function emptyAsUnset(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
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
