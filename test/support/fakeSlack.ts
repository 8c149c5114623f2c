import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { findMessageProblems, findViewProblems, formatProblem, type Problem } from './blockKitLimits.js';

/**
 * A fake Slack Web API: a real HTTP server on loopback that the app's WebClient reaches
 * through SLACK_API_URL (WebClient `slackApiUrl`). It records every call, answers the way
 * Slack documents for the methods Labbook uses, checks Block Kit limits, and can be told to
 * fail the ways Slack fails: 429 with Retry-After, 5xx, `ok:false` errors, slowness.
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
  /** Waits, then answers normally. */
  | { kind: 'slow'; delayMs: number };

export interface FakeUser {
  id: string;
  teamId?: string;
  tz?: string;
  tzOffset?: number;
  realName?: string;
  deleted?: boolean;
  isBot?: boolean;
  isAdmin?: boolean;
  isOwner?: boolean;
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

type Json = Record<string, unknown>;
type Handler = (args: Json) => Json;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const ok = (extra: Json = {}): Json => ({ ok: true, ...extra });
const slackError = (error: string): Json => ({ ok: false, error });

const DEFAULT_WAIT_MS = 5000;
const POLL_MS = 10;

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly violations: BlockKitViolation[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly uploads: Upload[] = [];
  readonly baseUrl: string;
  readonly apiUrl: string;

  private readonly users = new Map<string, FakeUser>();
  private readonly queued = new Map<string, Fault[]>();
  private windows: { method: string; fault: Fault; untilMs: number }[] = [];
  private responseUrlFaults: Fault[] = [];
  /** files.getUploadURLExternal hands out an id; the upload POST fills the content; complete records it. */
  private readonly pendingUploads = new Map<string, { filename: string; bytes?: Buffer }>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handlers: Record<string, Handler>;
  private readonly extraHandlers = new Map<string, (args: Json, token: string | undefined) => Json>();
  private seq = 0;
  private tsCounter = 0;
  /** Where apps.connections.open sends a Socket Mode client (see socketMode.ts). */
  private socketModeUrl: string | undefined;

  private constructor(
    private readonly server: http.Server,
    port: number,
    readonly teamId: string,
    readonly botUserId: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}/`;
    this.apiUrl = `${this.baseUrl}api/`;
    this.handlers = this.methodHandlers();
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.route(req, res).catch((error: unknown) => answerCrash(res, error));
    });
  }

  /** Listens on 127.0.0.1 at a random free port. */
  static async start(opts: { teamId?: string; botUserId?: string } = {}): Promise<FakeSlack> {
    const server = http.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string')
          reject(new Error('fake Slack has no TCP address'));
        else resolve(address.port);
      });
    });
    return new FakeSlack(server, port, opts.teamId ?? 'T0LABBOOK', opts.botUserId ?? 'U0LABBOT');
  }

  /** A fresh, unique response_url for a test payload. */
  responseUrl(): string {
    return `${this.baseUrl}response/${++this.seq}-${randomBytes(3).toString('hex')}`;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /**
   * Answers `method` with `handler` (added or replacing the built-in one), for a test support
   * module that fakes a part of Slack of its own (OAuth, say) without growing this file.
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

  /** Forgets calls, violations, responses, uploads and injected faults; keeps users. */
  /** Points Socket Mode clients at a WebSocket server of the test's. */
  useSocketMode(url: string): void {
    this.socketModeUrl = url;
  }

  reset(): void {
    this.calls.length = 0;
    this.violations.length = 0;
    this.responses.length = 0;
    this.uploads.length = 0;
    this.queued.clear();
    this.windows = [];
    this.responseUrlFaults = [];
    this.pendingUploads.clear();
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
      const key = c.ok ? c.method : `${c.method}(${c.fault ?? 'not ok'})`;
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
    else if (fault) return answerFault(fault, res);

    const extra = this.extraHandlers.get(method);
    const answer = extra
      ? extra(args, call.token)
      : call.token
        ? this.answer(method, args)
        : slackError('not_authed');
    call.ok = answer.ok === true;
    call.response = answer;
    sendJson(res, 200, answer);
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
    else if (fault) return answerFault(fault, res);
    // A response_url message has the same limits as chat.postMessage.
    if (this.violated('response_url', findMessageProblems(body.blocks, body.text))) {
      return sendJson(res, 200, slackError('invalid_blocks'));
    }
    this.responses.push({ id, body, at: Date.now() });
    sendJson(res, 200, ok());
  }

  private onUpload(fileId: string, bytes: Buffer, res: ServerResponse): void {
    const pending = this.pendingUploads.get(fileId);
    if (!pending) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown upload');
    pending.bytes = bytes;
    // The real upload URL answers 200 with a plain-text body; the WebClient only checks the status.
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
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

  /** Unique, increasing message timestamps: 1700000000.000100, 1700000000.000200, … */
  private nextTs(): string {
    const micros = ++this.tsCounter * 100;
    return `${1_700_000_000 + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private nextId(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(6, '0')}`;
  }

  // --- answers -------------------------------------------------------------------------

  private answer(method: string, args: Json): Json {
    const handler = this.handlers[method];
    return handler ? handler(args) : slackError('unknown_method');
  }

  private methodHandlers(): Record<string, Handler> {
    return {
      'auth.test': () => this.authTest(),
      // Socket Mode: Slack answers the app-level token with a single-use WebSocket URL.
      'apps.connections.open': () =>
        this.socketModeUrl ? ok({ url: this.socketModeUrl }) : slackError('invalid_auth'),
      'chat.postMessage': (a) => this.messageChecked('chat.postMessage', a, () => this.postMessage(a)),
      'chat.update': (a) => this.messageChecked('chat.update', a, () => this.updateMessage(a)),
      'chat.postEphemeral': (a) =>
        this.messageChecked('chat.postEphemeral', a, () => ok({ message_ts: this.nextTs() })),
      'chat.delete': (a) => ok({ channel: str(a.channel), ts: str(a.ts) }),
      'chat.getPermalink': (a) => this.permalink(a),
      'conversations.open': (a) => this.openDm(a),
      'conversations.info': (a) => this.conversationInfo(a),
      'users.info': (a) => this.userInfo(a),
      'views.open': (a) => this.viewChecked('views.open', a, 'modal'),
      'views.push': (a) => this.viewChecked('views.push', a, 'modal'),
      'views.update': (a) => this.viewChecked('views.update', a, 'modal'),
      'views.publish': (a) => this.viewChecked('views.publish', a, 'home'),
      'files.getUploadURLExternal': (a) => this.uploadUrl(a),
      'files.completeUploadExternal': (a) => this.completeUpload(a),
    };
  }

  private authTest(): Json {
    return ok({
      url: 'https://fake.slack.com/',
      team: 'Fake Team',
      team_id: this.teamId,
      user: 'labbook',
      user_id: this.botUserId,
      bot_id: 'B0LABBOT',
      is_enterprise_install: false,
    });
  }

  /** chat.*: Block Kit limits first (invalid_blocks), then Slack's no_text when there is nothing to show. */
  private messageChecked(method: string, args: Json, then: () => Json): Json {
    if (this.violated(method, findMessageProblems(args.blocks, args.text)))
      return slackError('invalid_blocks');
    const hasText = typeof args.text === 'string' && args.text.length > 0;
    if (!hasText && args.blocks === undefined && args.attachments === undefined) return slackError('no_text');
    return then();
  }

  private postMessage(args: Json): Json {
    const channel = str(args.channel);
    if (!channel) return slackError('channel_not_found');
    // Posting to a user id opens (or reuses) the DM with them; Slack answers with the D-id.
    const dm = /^[UW]/.test(channel);
    if (dm && this.users.get(channel)?.deleted) return slackError('user_disabled');
    const ts = this.nextTs();
    return ok({
      channel: dm ? dmId(channel) : channel,
      ts,
      message: {
        type: 'message',
        user: this.botUserId,
        bot_id: 'B0LABBOT',
        text: args.text,
        blocks: args.blocks,
        ts,
      },
    });
  }

  private updateMessage(args: Json): Json {
    if (!args.ts) return slackError('message_not_found');
    return ok({
      channel: str(args.channel),
      ts: str(args.ts),
      text: args.text,
      message: { text: args.text, blocks: args.blocks },
    });
  }

  private permalink(args: Json): Json {
    const channel = str(args.channel);
    const ts = str(args.message_ts);
    if (!channel || !ts) return slackError('invalid_arguments');
    return ok({ channel, permalink: `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}` });
  }

  private openDm(args: Json): Json {
    const user = str(args.users).split(',')[0] ?? '';
    if (!user) return slackError(args.channel ? 'not_implemented' : 'users_list_not_supplied');
    if (this.users.get(user)?.deleted) return slackError('user_disabled');
    return ok({ channel: { id: dmId(user) } });
  }

  private conversationInfo(args: Json): Json {
    const channel = str(args.channel);
    if (!channel) return slackError('channel_not_found');
    const im = channel.startsWith('D');
    return ok({
      channel: {
        id: channel,
        name: im ? undefined : `name-${channel.toLowerCase()}`,
        is_im: im,
        is_channel: !im,
        is_member: true,
        is_archived: false,
      },
    });
  }

  private userInfo(args: Json): Json {
    const user = this.users.get(str(args.user));
    if (!user) return slackError('user_not_found');
    const realName = user.realName ?? user.id;
    return ok({
      user: {
        id: user.id,
        team_id: user.teamId ?? this.teamId,
        name: user.id.toLowerCase(),
        real_name: realName,
        deleted: user.deleted ?? false,
        is_bot: user.isBot ?? false,
        is_admin: user.isAdmin ?? false,
        is_owner: user.isOwner ?? false,
        tz: user.tz ?? 'UTC',
        tz_label: user.tz ?? 'Coordinated Universal Time',
        tz_offset: user.tzOffset ?? 0,
        profile: { real_name: realName, display_name: realName },
      },
    });
  }

  /** views.*: a view breaking Block Kit limits is answered invalid_arguments, as Slack does for views. */
  private viewChecked(method: string, args: Json, expectedType: 'modal' | 'home'): Json {
    if (this.violated(method, findViewProblems(args.view, expectedType)))
      return slackError('invalid_arguments');
    const view = isObj(args.view) ? args.view : {};
    const id = typeof args.view_id === 'string' ? args.view_id : this.nextId('V');
    return ok({
      view: {
        id,
        team_id: this.teamId,
        hash: `${Date.now()}.${this.nextId('h')}`,
        state: { values: {} },
        ...view,
      },
    });
  }

  private uploadUrl(args: Json): Json {
    const filename = str(args.filename);
    // Slack requires both: the name and the size in bytes of what will be uploaded.
    if (!filename || args.length === undefined) return slackError('invalid_arguments');
    const fileId = this.nextId('F');
    this.pendingUploads.set(fileId, { filename });
    return ok({ upload_url: `${this.baseUrl}upload/${fileId}`, file_id: fileId });
  }

  /** files.completeUploadExternal: `files` is a JSON array of {id, title}; each must have been uploaded. */
  private completeUpload(args: Json): Json {
    const files = Array.isArray(args.files) ? args.files.filter(isObj) : [];
    if (files.length === 0) return slackError('invalid_arguments');
    for (const f of files) {
      const pending = this.pendingUploads.get(str(f.id));
      if (pending?.bytes === undefined) return slackError('file_not_found');
    }
    for (const f of files) this.recordUpload(f, args);
    return ok({
      files: files.map((f) => ({
        id: str(f.id),
        title: str(f.title) || this.pendingUploads.get(str(f.id))?.filename,
      })),
    });
  }

  private recordUpload(file: Json, args: Json): void {
    const fileId = str(file.id);
    const pending = this.pendingUploads.get(fileId);
    this.pendingUploads.delete(fileId);
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
  }
}

// --- HTTP helpers ----------------------------------------------------------------------

const dmId = (userId: string): string => `D${userId}`;

/** `Authorization: Bearer …` (the WebClient's way), else a `token` argument (Slack accepts both). */
function tokenOf(req: IncomingMessage, args: Json): string | undefined {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return typeof args.token === 'string' ? args.token : undefined;
}

function answerFault(fault: Exclude<Fault, { kind: 'slow' }>, res: ServerResponse): void {
  switch (fault.kind) {
    case 'ratelimited':
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    case 'http':
      res
        .writeHead(fault.status, { 'content-type': 'text/plain' })
        .end(`fake Slack: injected HTTP ${fault.status}`);
      return;
    case 'error':
      sendJson(res, 200, slackError(fault.error));
  }
}

function answerCrash(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake Slack crashed: ${String(error)}`);
}

/**
 * A body as JSON (`application/json`, which Slack accepts with a Bearer token and Bolt's
 * respond() uses for response_url) or form-encoded (the WebClient's default).
 */
function parseBody(body: string, contentType: string): Json {
  if (body.length === 0) return {};
  if (contentType.includes('application/json')) {
    const parsed = tryJson(body);
    return isObj(parsed) ? parsed : {};
  }
  return decodeForm(new URLSearchParams(body));
}

/**
 * The WebClient form-encodes arguments and JSON-encodes any non-scalar (blocks, view,
 * attachments, files…). Decode those back to objects; leave everything else a string so a
 * ts like "1700000000.000100" stays a string.
 */
function decodeForm(params: URLSearchParams): Json {
  const out: Json = {};
  for (const [key, value] of params) out[key] = /^\s*[[{]/.test(value) ? tryJson(value) : value;
  return out;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The file's bytes from an upload. The WebClient posts them as multipart/form-data (one
 * part, field "body"); a plain POST of raw bytes works too.
 */
function fileBytes(raw: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(contentType);
  if (!contentType.startsWith('multipart/') || !boundary) return raw;
  // Found in the raw bytes (latin1 keeps one char per byte), so binary files survive.
  const text = raw.toString('latin1');
  const marker = `--${boundary[1] ?? boundary[2] ?? ''}`;
  const start = text.indexOf('\r\n\r\n', text.indexOf(marker));
  if (start < 0) return Buffer.alloc(0);
  const end = text.indexOf(`\r\n${marker}`, start + 4);
  return raw.subarray(start + 4, end < 0 ? raw.length : end);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

// --- waiting ---------------------------------------------------------------------------

const atLeast = <T>(items: T[], count: number): T[] | undefined =>
  items.length >= count ? items : undefined;

async function poll<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() >= deadline)
      throw new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
