import { format } from 'node:util';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

/**
 * Structured JSON-lines logger that also serves as Bolt's and the WebClient's logger,
 * so every line the process prints has one shape and passes through one redactor.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Slack tokens are recognisable by prefix (bot, user, app-level, and the xoxe refresh
// tokens of token rotation), so installed tokens are redacted without being registered;
// anything else secret is registered by value.
const TOKEN_PATTERN = /\b(xox[abposre]|xapp)[-.][A-Za-z0-9.-]+/g;

export interface Logger extends BoltLogger {
  child(fields: Record<string, unknown>): Logger;
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  level: Level;
  secrets?: string[];
  name?: string;
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions): Logger {
  const state = {
    level: opts.level,
    name: opts.name ?? 'labbook',
    secrets: (opts.secrets ?? []).filter((s) => s.length >= 6),
    write: opts.write ?? ((line: string) => process.stdout.write(line + '\n')),
  };
  return build(state, {});
}

interface State {
  level: Level;
  name: string;
  secrets: string[];
  write: (line: string) => void;
}

function build(state: State, base: Record<string, unknown>): Logger {
  const redact = (text: string): string => {
    let out = text.replace(TOKEN_PATTERN, (_m, prefix: string) => `${prefix}-[redacted]`);
    for (const secret of state.secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
  const log = (level: Level, msg: string, fields: Record<string, unknown> = {}): void => {
    if (rank[level] < rank[state.level]) return;
    const line = JSON.stringify(
      { level, time: new Date().toISOString(), name: state.name, msg, ...base, ...fields },
      (_key, value: unknown) =>
        value instanceof Error ? { message: value.message, stack: value.stack } : value,
    );
    state.write(redact(line));
  };
  // Bolt and the WebClient call with varargs (strings, objects, errors).
  const varargs =
    (level: Level) =>
    (...msg: unknown[]): void => {
      const [first, ...rest] = msg;
      if (typeof first === 'string' && rest.length === 1 && isPlainObject(rest[0]))
        log(level, first, rest[0]);
      else log(level, format(...msg));
    };
  return {
    debug: varargs('debug'),
    info: varargs('info'),
    warn: varargs('warn'),
    error: varargs('error'),
    log,
    // Bolt's receivers call setLevel(INFO) on the logger they are given, which would
    // silently override LOG_LEVEL; the level is set once, from configuration.
    setLevel: () => undefined,
    getLevel: () => state.level as LogLevel,
    setName: (name: string) => {
      state.name = name;
    },
    child: (fields) => build(state, { ...base, ...fields }),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

export { LogLevel };
