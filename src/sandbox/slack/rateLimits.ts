/**
 * Slack's Web API rate limits as Slack applies them: per workspace (per app) and method, by
 * the tier each method's reference page documents; chat.postMessage per channel and per
 * workspace. A call over its limit is answered HTTP 429 with Retry-After (whole seconds)
 * and `{ok:false, error:'ratelimited'}`, and is not counted against the limit.
 *
 * Slack publishes rates ("Tier 2: 20+ per minute") and says each tier tolerates a burst,
 * without saying how large: a token bucket per key holds `burst` calls and refills at
 * `perMinute`. The bursts below are our reading of the words ("a small amount", "occasional",
 * "sporadic", "generous"); the rates are Slack's.
 *
 * Sources: https://docs.slack.dev/apis/web-api/rate-limits (the tiers; chat.postMessage
 * "generally allows posting one message per second per channel, while also maintaining a
 * workspace-wide limit", "several hundred messages per minute" on its reference page) and
 * each method's reference page for its tier.
 */
export interface Limit {
  perMinute: number;
  burst: number;
}

/**
 * 'off' answers every call (a test about something else); otherwise the limits are
 * enforced, with their clock running `scale` times faster than the wall clock (default 1:
 * Slack's numbers), so a test can reach a limit in milliseconds.
 */
export type RateLimitSettings = 'off' | { scale?: number };

export const TIERS = {
  1: { perMinute: 1, burst: 2 },
  2: { perMinute: 20, burst: 5 },
  3: { perMinute: 50, burst: 10 },
  4: { perMinute: 100, burst: 20 },
} as const satisfies Record<number, Limit>;

/** Methods whose page says "hundreds of requests per minute". */
const HUNDREDS: Limit = { perMinute: 600, burst: 60 };

/** chat.postMessage: about one message a second in a channel, with short bursts. */
export const POST_PER_CHANNEL: Limit = { perMinute: 60, burst: 3 };
/** chat.postMessage across a workspace: "several hundred messages per minute"; we take the low end. */
export const POST_PER_WORKSPACE: Limit = { perMinute: 300, burst: 30 };

/** Each method Labbook calls (or the sandbox answers), with the tier Slack documents for it. */
export const METHOD_LIMITS: Record<string, Limit> = {
  'auth.test': HUNDREDS,
  'chat.getPermalink': HUNDREDS,
  'chat.postEphemeral': TIERS[4],
  'chat.update': TIERS[3],
  'chat.delete': TIERS[3],
  'conversations.open': TIERS[3],
  'conversations.info': TIERS[3],
  'conversations.history': TIERS[3],
  'conversations.replies': TIERS[3],
  'users.info': TIERS[4],
  'users.list': TIERS[2],
  'users.profile.get': TIERS[4],
  'views.open': TIERS[4],
  'views.push': TIERS[4],
  'views.update': TIERS[4],
  'views.publish': TIERS[4],
  'files.getUploadURLExternal': TIERS[4],
  'files.completeUploadExternal': TIERS[4],
  'files.delete': TIERS[3],
  'apps.connections.open': TIERS[1],
  'oauth.v2.access': TIERS[4],
};

/** "Most methods allow at least 20 requests per minute": a method not listed above. */
const DEFAULT_LIMIT: Limit = TIERS[2];

interface Bucket {
  tokens: number;
  /** Scaled ms when `tokens` was last brought up to date. */
  at: number;
}

/** The buckets a call draws from: its method's, and for chat.postMessage its channel's too. */
export function limitsFor(method: string, channel: string | undefined): { key: string; limit: Limit }[] {
  if (method === 'chat.postMessage')
    return [
      { key: method, limit: POST_PER_WORKSPACE },
      ...(channel ? [{ key: `${method}#${channel}`, limit: POST_PER_CHANNEL }] : []),
    ];
  return [{ key: method, limit: METHOD_LIMITS[method] ?? DEFAULT_LIMIT }];
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private settings: RateLimitSettings;

  constructor(
    settings: RateLimitSettings = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = settings;
  }

  /** Turns the limits on (at `scale`) or off; buckets start full again. */
  configure(settings: RateLimitSettings): void {
    this.settings = settings;
    this.buckets.clear();
  }

  get enabled(): boolean {
    return this.settings !== 'off';
  }

  /**
   * Counts a call by workspace `scope` to `method` (in `channel`, for chat.postMessage):
   * undefined when Slack would answer it, else the Retry-After in seconds.
   */
  take(scope: string, method: string, channel?: string): number | undefined {
    if (this.settings === 'off') return undefined;
    const scale = this.settings.scale ?? 1;
    const now = this.now() * scale;
    const drawn = limitsFor(method, channel).map(({ key, limit }) => ({
      limit,
      bucket: this.refilled(`${scope}|${key}`, limit, now),
    }));
    const short = drawn.filter((d) => d.bucket.tokens < 1);
    if (short.length > 0) {
      const waitMs = Math.max(...short.map((d) => ((1 - d.bucket.tokens) * 60_000) / d.limit.perMinute));
      return Math.max(1, Math.ceil(waitMs / scale / 1000));
    }
    for (const d of drawn) d.bucket.tokens -= 1;
    return undefined;
  }

  private refilled(key: string, limit: Limit, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) * limit.perMinute) / 60_000);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }
}
