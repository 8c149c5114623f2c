import { existsSync } from 'node:fs';
import cron from 'node-cron';
import { z } from 'zod';

/** 'off', or Slack's limits with their clock running `scale` times faster (1: Slack's own). */
export type PacingSettings = 'off' | { scale: number };

/**
 * Everything Labbook reads from the environment, validated once at start-up so a
 * misconfigured deployment fails with one readable message instead of a stack trace
 * deep inside Bolt or pg.
 */
// 32 random bytes in base64, as `openssl rand -base64 32` prints.
const encryptionKey = z
  .string()
  .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    error: 'must be 32 random bytes in base64: generate one with `openssl rand -base64 32`',
  })
  .transform((v) => Buffer.from(v, 'base64'));

const ConfigSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' })
    .optional(),
  // OAuth mode (any number of workspaces): all three set, from "Basic Information".
  SLACK_CLIENT_ID: z.string().min(1).optional(),
  SLACK_CLIENT_SECRET: z.string().min(1).optional(),
  SLACK_STATE_SECRET: z.string().min(16, { error: 'must be at least 16 random characters' }).optional(),
  LABBOOK_ENCRYPTION_KEY: encryptionKey.optional(),
  // The key before the last rotation: still decrypts, and what it decrypts is re-encrypted.
  LABBOOK_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
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
  // Scheduled traffic is paced under Slack's rate limits; a number runs the pace's clock that
  // many times faster (only against a fake Slack whose limits are scaled alike).
  SLACK_PACING: z
    .string()
    .default('on')
    .refine((v) => v === 'on' || v === 'off' || Number(v) > 0, {
      error: 'must be on, off, or a positive number (a fake Slack’s clock scale)',
    })
    .transform((v): PacingSettings => (v === 'off' ? 'off' : { scale: v === 'on' ? 1 : Number(v) })),
  // How long shutdown waits for in-flight work before closing the pool anyway; kept
  // under the 10 s most orchestrators allow between SIGTERM and SIGKILL.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  // Experiment trackers, read for the metric of a hypothesis' linked runs; each optional.
  MLFLOW_TRACKING_URI: z.url({ error: 'must be a URL such as https://mlflow.example.com' }).optional(),
  MLFLOW_TRACKING_TOKEN: z.string().min(1).optional(),
  WANDB_API_KEY: z.string().min(1).optional(),
  WANDB_BASE_URL: z
    .url({ error: 'must be a URL such as https://api.wandb.ai' })
    .default('https://api.wandb.ai'),
  // GET /metrics (Prometheus): on its own loopback port, or on PORT behind a bearer token.
  METRICS_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).optional(),
  METRICS_TOKEN: z.string().min(16, { error: 'must be at least 16 random characters' }).optional(),
});

type Env = z.infer<typeof ConfigSchema>;

/** Installing into any number of workspaces: Bolt's OAuth flow, tokens kept encrypted. */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** AES-256 keys: tokens are written with `current`, read with either. */
  keys: { current: Buffer; previous: Buffer | undefined };
}

export interface Config {
  slack: {
    /** Single-workspace mode only; in OAuth mode each workspace's token comes from its installation. */
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string;
  };
  mode: 'http' | 'socket';
  /** Set in OAuth mode; undefined in single-workspace mode. */
  oauth: OAuthConfig | undefined;
  port: number;
  /** The address the receiver binds; undefined: every interface (the sandbox binds 127.0.0.1). */
  listenHost: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  schedulerCron: string;
  schedulerLeaseMs: number;
  /** How scheduled Slack calls are paced (src/slack/pacing.ts). */
  slackPacing: PacingSettings;
  shutdownTimeoutMs: number;
  trackers: TrackersConfig;
  /** Neither set: no /metrics at all. */
  metrics: { port: number | undefined; token: string | undefined };
}

/** Where the metrics of linked runs are read; a tracker left unset is never asked. */
export interface TrackersConfig {
  mlflow: { uri: string; token: string | undefined } | undefined;
  wandb: { apiKey: string; baseUrl: string } | undefined;
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
  problems.push(...workspaceModeProblems(raw));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    oauth:
      e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.LABBOOK_ENCRYPTION_KEY
        ? {
            clientId: e.SLACK_CLIENT_ID,
            clientSecret: e.SLACK_CLIENT_SECRET,
            stateSecret: e.SLACK_STATE_SECRET,
            keys: { current: e.LABBOOK_ENCRYPTION_KEY, previous: e.LABBOOK_ENCRYPTION_KEY_PREVIOUS },
          }
        : undefined,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
    port: e.PORT,
    listenHost: undefined,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.LABBOOK_DATA_DIR,
    logLevel: e.LOG_LEVEL,
    schedulerCron: e.SCHEDULER_CRON,
    schedulerLeaseMs: e.SCHEDULER_LEASE_MS,
    slackPacing: e.SLACK_PACING,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trackers: {
      mlflow: e.MLFLOW_TRACKING_URI
        ? { uri: e.MLFLOW_TRACKING_URI, token: e.MLFLOW_TRACKING_TOKEN }
        : undefined,
      wandb: e.WANDB_API_KEY ? { apiKey: e.WANDB_API_KEY, baseUrl: e.WANDB_BASE_URL } : undefined,
    },
    metrics: { port: e.METRICS_PORT, token: e.METRICS_TOKEN },
  };
}

const OAUTH_SETTINGS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/** Any of these means "run against a real Slack"; none of them means the sandbox. */
export const SLACK_SETTINGS = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  ...OAUTH_SETTINGS,
] as const;

/**
 * Sandbox mode: asked for with `--sandbox` (Slack settings, if any, are ignored), or the
 * default when no Slack setting is present, as PostgreSQL is embedded without DATABASE_URL.
 */
export function sandboxRequested(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv,
): boolean {
  if (argv.includes('--sandbox')) return true;
  const raw = emptyAsUnset(env);
  return SLACK_SETTINGS.every((name) => !raw[name]);
}

/** What the sandbox reads from the environment: no Slack setting, only where to listen and keep data. */
export interface SandboxConfig {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
}

const SandboxSchema = ConfigSchema.pick({
  PORT: true,
  DATABASE_URL: true,
  LABBOOK_DATA_DIR: true,
  LOG_LEVEL: true,
});

export function loadSandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const parsed = SandboxSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  const e = parsed.data;
  return { port: e.PORT, databaseUrl: e.DATABASE_URL, dataDir: e.LABBOOK_DATA_DIR, logLevel: e.LOG_LEVEL };
}

/**
 * Single-workspace mode needs SLACK_BOT_TOKEN; OAuth mode needs the three OAuth settings and
 * the encryption key, and refuses a bot token, so no call can quietly go out with it.
 */
function workspaceModeProblems(raw: Record<string, string>): string[] {
  const oauthSet = OAUTH_SETTINGS.filter((name) => raw[name]);
  if (oauthSet.length === 0) {
    return raw.SLACK_BOT_TOKEN
      ? []
      : [
          'SLACK_BOT_TOKEN is required: the Bot User OAuth Token (xoxb-…) from "OAuth & Permissions" (or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install into many workspaces)',
        ];
  }
  const problems = OAUTH_SETTINGS.filter((name) => !raw[name]).map(
    (name) => `${name} is required in OAuth mode (${oauthSet.join(', ')} set)`,
  );
  if (!raw.LABBOOK_ENCRYPTION_KEY)
    problems.push(
      'LABBOOK_ENCRYPTION_KEY is required in OAuth mode: tokens are encrypted with it; generate one with `openssl rand -base64 32`',
    );
  if (raw.SLACK_BOT_TOKEN)
    problems.push(
      "SLACK_BOT_TOKEN must not be set in OAuth mode: each workspace's token comes from its installation",
    );
  return problems;
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
  const { oauth } = config;
  return [
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    oauth?.clientSecret,
    oauth?.stateSecret,
    oauth?.keys.current.toString('base64'),
    oauth?.keys.previous?.toString('base64'),
    config.trackers.mlflow?.token,
    config.trackers.wandb?.apiKey,
    config.metrics.token,
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
