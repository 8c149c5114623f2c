/**
 * What the embedded Slack records and is told about: the calls it answered, the Block Kit
 * limits it enforced, the faults a test injects, and the workspaces, people and channels
 * it knows.
 */
export interface RecordedCall {
  method: string;
  /** Arguments as the app meant them: JSON-string values (blocks, view, files…) decoded back to objects. */
  args: Record<string, unknown>;
  token: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  /** Set when a fault was injected into this call. */
  fault?: Fault['kind'];
  /** Answered 429 by the rate limits (rateLimits.ts), not by an injected fault. */
  ratelimited?: boolean;
  /** The answer said ok:true. */
  ok: boolean;
  /** What the fake answered (for views.*, the view with the id and hash Slack gives it). */
  response?: Record<string, unknown>;
}

export interface BlockKitViolation {
  /** The Web API method, or 'response_url'. */
  method: string;
  /** A stable rule id from blockKitLimits, e.g. `section.text_length`. */
  rule: string;
  /** `path: message`, e.g. `blocks[0].text: 3001 chars > 3000`. */
  detail: string;
}

export type Fault =
  /** HTTP 429 with Retry-After (seconds) and body {ok:false, error:'ratelimited'}, as Slack's rate limiter answers. */
  | { kind: 'ratelimited'; retryAfter: number }
  /** A non-200 status with a text body, as Slack's edge answers in an outage. */
  | { kind: 'http'; status: number }
  /** HTTP 200 {ok:false, error}: a Slack platform error. */
  | { kind: 'error'; error: string }
  /** Waits, then answers normally. Past the client's own timeout (WebClientOptions.timeout) the client gives up first. */
  | { kind: 'slow'; delayMs: number }
  /** The connection is reset: the socket is destroyed without an answer (the client sees ECONNRESET / "socket hang up"). */
  | { kind: 'reset' }
  /**
   * Never answers: the request is held open until the client gives up (its `timeout`, e.g. the
   * scheduled client's 10 s), the test calls release(), or the fake closes. Unlike 'slow' there
   * is no answer to arrive late, so a retry cannot be confused with the first attempt.
   */
  | { kind: 'timeout' };

export interface EmbeddedUser {
  id: string;
  /** The workspace the user belongs to; default the fake's own (EmbeddedSlack.start's teamId). */
  teamId?: string;
  tz?: string;
  tzOffset?: number;
  realName?: string;
  deleted?: boolean;
  isBot?: boolean;
  isAdmin?: boolean;
  isOwner?: boolean;
  /** What users.profile.get answers; a test changes it with addUser({ ...user, status }). */
  status?: { emoji?: string; text?: string; expiration?: number };
}

/** A workspace the app is installed in: its bot token is how the fake knows who is calling. */
export interface EmbeddedWorkspace {
  teamId: string;
  botToken: string;
  botUserId: string;
  /** Default `B` + the bot user id without its leading U. */
  botId?: string;
}

/**
 * A channel a test declares, for the cases where Slack says no. Channels nobody declared
 * are ordinary public channels of whichever workspace asks, with everyone (the bot too) in them.
 */
export interface EmbeddedChannel {
  id: string;
  /** Default the fake's own workspace. */
  teamId?: string;
  private?: boolean;
  archived?: boolean;
  /** Who is in it (besides the bot); default everyone. */
  members?: string[];
  /** Whether the bot is in it; default true (see removeBot). */
  botMember?: boolean;
}

/** Who and what a response_url was issued for: Slack applies its posts there. */
export interface ResponseUrlContext {
  channel: string;
  user: string;
  /** The message the interaction was on (for replace_original / delete_original). */
  messageTs?: string;
  /** Where an ephemeral answer goes when the interaction was in a thread. */
  threadTs?: string;
}

export interface IssuedResponseUrl {
  issuedAt: number;
  uses: number;
  context?: ResponseUrlContext;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface Upload {
  fileId: string;
  filename: string;
  content: string;
  /** The file's bytes as uploaded (content is their UTF-8 reading; an image needs these). */
  bytes: Buffer;
  threadTs?: string;
  channelId?: string;
  title?: string;
  initialComment?: string;
}

export interface WaitOpts {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** How many matching items to wait for; default 1. */
  count?: number;
}
