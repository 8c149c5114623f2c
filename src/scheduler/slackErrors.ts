import { ErrorCode } from '@slack/web-api';

/**
 * What a failed Slack call means for a delivery. Rate limits and server trouble pass, so
 * the delivery waits and tries again; some errors will never pass (the person left, the
 * channel is gone), so retrying them would only hide the problem from the project lead.
 */
export type SlackFailure =
  | { type: 'rate_limited'; retryAfterMs: number; detail: string }
  | { type: 'transient'; detail: string }
  | { type: 'permanent'; detail: string };

export const PERMANENT_ERRORS = new Set([
  'user_not_found',
  'account_inactive',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_disabled',
  'cannot_dm_bot',
  'invalid_auth',
  'token_revoked',
  'missing_scope',
]);

/** Thrown by Labbook itself for a permanent condition it detects (e.g. a deleted owner). */
export class PermanentDeliveryError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

export function classifySlackFailure(error: unknown): SlackFailure {
  if (error instanceof PermanentDeliveryError) return { type: 'permanent', detail: error.detail };
  const e = error as {
    code?: unknown;
    retryAfter?: unknown;
    statusCode?: unknown;
    data?: { error?: unknown };
  };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return {
        type: 'rate_limited',
        retryAfterMs: Math.max(1, Number(e.retryAfter) || 1) * 1000,
        detail: 'ratelimited',
      };
    case ErrorCode.HTTPError:
      return { type: 'transient', detail: `http ${String(e.statusCode)}` };
    case ErrorCode.RequestError:
      return { type: 'transient', detail: 'network error' };
    case ErrorCode.PlatformError: {
      const code = String(e.data?.error ?? 'unknown_error');
      if (code === 'ratelimited') return { type: 'rate_limited', retryAfterMs: 1000, detail: code };
      return PERMANENT_ERRORS.has(code)
        ? { type: 'permanent', detail: code }
        : { type: 'transient', detail: code };
    }
    default:
      return { type: 'transient', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Back-off for transient failures: 30 s, 1 min, 2 min … capped at 30 min. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts), 30 * 60_000);
}

/** Transient failures stop being retried after this many attempts and count as permanent. */
export const MAX_ATTEMPTS = 12;
