import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkMessageBlocks, checkView } from './blockKitLimits.js';

/**
 * A fake Slack Web API: a real HTTP server on loopback that the app's WebClient talks to
 * through SLACK_API_URL. It records every call, answers the way Slack documents for the
 * methods Labbook uses, checks Block Kit limits, and can be told to fail.
 */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  fault?: Fault['kind'];
  ok: boolean;
}

export interface BlockKitViolation {
  method: string;
  rule: string;
  detail: string;
}

export type Fault =
  | { kind: 'ratelimited'; retryAfter: number }
  | { kind: 'http'; status: number }
  | { kind: 'error'; error: string }
  | { kind: 'slow'; delayMs: number };

export interface FakeUser {
  id: string;
  teamId?: string;
  tz?: string;
  tzOffset?: number;
  realName?: string;
  deleted?: boolean;
  isBot?: boolean;
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
  channelId?: string;
  title?: string;
  initialComment?: string;
}

type Json = Record<string, unknown>;

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly violations: BlockKitViolation[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly uploads: Upload[] = [];
  readonly baseUrl: string;
  readonly apiUrl: string;
  private readonly users = new Map<string, FakeUser>();
  private readonly queued = new Map<string, Fault[]>();
  private readonly windows: { method: string; fault: Fault; untilMs: number }[] = [];
  private responseUrlFaults: Fault[] = [];
  private readonly pendingUploads = new Map<string, { filename: string; content?: string }>();
  private seq = 0;
  private tsCounter = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly teamId: string,
    readonly botUserId: string,
  ) {
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/`;
    this.apiUrl = `${this.baseUrl}api/`;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(opts: { teamId?: string; botUserId?: string } = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = http.createServer((req, res) => {
      void fake!.route(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeSlack(server, opts.teamId ?? 'T0LABBOOK', opts.botUserId ?? 'U0LABBOT');
    return fake;
  }

  responseUrl(): string {
    return `${this.baseUrl}response/${++this.seq}-${randomBytes(3).toString('hex')}`;
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  fail(method: string, ...faults: Fault[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...faults]);
  }

  failUntil(method: string, fault: Fault, untilMs: number): void {
    this.windows.push({ method, fault, untilMs });
  }

  failResponseUrl(fault: Fault): void {
    this.responseUrlFaults.push(fault);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  okCallsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.ok);
  }

  async waitFor(
    method: string,
    predicate: (c: RecordedCall) => boolean = () => true,
    opts: { timeoutMs?: number; count?: number } = {},
  ): Promise<RecordedCall[]> {
    const count = opts.count ?? 1;
    return poll(
      () => {
        const found = this.okCallsTo(method).filter(predicate);
        return found.length >= count ? found : undefined;
      },
      opts.timeoutMs ?? 5000,
      () => `${count} ok call(s) to ${method}; saw: ${this.calls.map((c) => `${c.method}${c.ok ? '' : '(failed)'}`).join(', ') || 'nothing'}`,
    );
  }

  async waitForResponse(
    predicate: (r: ResponseUrlPost) => boolean = () => true,
    opts: { timeoutMs?: number; count?: number } = {},
  ): Promise<ResponseUrlPost[]> {
    const count = opts.count ?? 1;
    return poll(
      () => {
        const found = this.responses.filter(predicate);
        return found.length >= count ? found : undefined;
      },
      opts.timeoutMs ?? 5000,
      () => `${count} response_url post(s); saw ${this.responses.length}, calls: ${this.calls.map((c) => c.method).join(', ')}`,
    );
  }

  reset(): void {
    this.calls.length = 0;
    this.violations.length = 0;
    this.responses.length = 0;
    this.uploads.length = 0;
    this.queued.clear();
    this.windows.length = 0;
    this.responseUrlFaults = [];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- routing -------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    if (path.startsWith('/response/')) return this.onResponseUrl(path.slice('/response/'.length), raw, res);
    if (path.startsWith('/upload/')) {
      return this.onUpload(path.slice('/upload/'.length), fileContent(raw, String(req.headers['content-type'] ?? '')), res);
    }
    if (!path.startsWith('/api/')) return void res.writeHead(404).end();
    const method = path.slice('/api/'.length);
    const args = parseArgs(raw.toString('utf8'), String(req.headers['content-type'] ?? ''));
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    const call: RecordedCall = { method, args, token, at: Date.now(), ok: false };
    this.calls.push(call);

    const fault = this.nextFault(method);
    if (fault) {
      call.fault = fault.kind;
      if (fault.kind === 'slow') await sleep(fault.delayMs);
      else return this.answerFault(fault, res);
    }
    const answer = this.answer(method, args);
    call.ok = answer.ok === true;
    send(res, 200, answer);
  }

  private nextFault(method: string): Fault | undefined {
    const queue = this.queued.get(method);
    if (queue && queue.length > 0) return queue.shift();
    const now = Date.now();
    return this.windows.find((w) => (w.method === method || w.method === '*') && now < w.untilMs)?.fault;
  }

  private answerFault(fault: Exclude<Fault, { kind: 'slow' }>, res: ServerResponse): void {
    if (fault.kind === 'ratelimited') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    } else if (fault.kind === 'http') {
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('upstream trouble');
    } else {
      send(res, 200, { ok: false, error: fault.error });
    }
  }

  private async onResponseUrl(id: string, raw: Buffer, res: ServerResponse): Promise<void> {
    const fault = this.responseUrlFaults.shift();
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    else if (fault) return this.answerFault(fault, res);
    const body = parseArgs(raw.toString('utf8'), 'application/json');
    const problems = checkMessageBlocks(body.blocks, body.text);
    if (problems.length > 0) {
      this.violate('response_url', problems);
      return send(res, 200, { ok: false, error: 'invalid_blocks' });
    }
    this.responses.push({ id, body, at: Date.now() });
    send(res, 200, { ok: true });
  }

  private onUpload(fileId: string, content: string, res: ServerResponse): void {
    const pending = this.pendingUploads.get(fileId);
    if (!pending) return void res.writeHead(404).end();
    pending.content = content;
    res.writeHead(200).end('OK');
  }

  private violate(method: string, problems: string[]): void {
    for (const p of problems) this.violations.push({ method, rule: p.split(':')[0] ?? p, detail: p });
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${1_700_000_000 + Math.floor(this.tsCounter / 1000)}.${String(this.tsCounter % 1_000_000).padStart(6, '0')}`;
  }

  private answer(method: string, args: Json): Json {
    const ok = (extra: Json = {}): Json => ({ ok: true, ...extra });
    const error = (code: string): Json => ({ ok: false, error: code });
    if (method.startsWith('chat.') && method !== 'chat.getPermalink' && method !== 'chat.delete') {
      const problems = checkMessageBlocks(args.blocks, args.text);
      if (problems.length > 0) {
        this.violate(method, problems);
        return error('invalid_blocks');
      }
      if (args.blocks === undefined && (typeof args.text !== 'string' || args.text.length === 0)) return error('no_text');
    }
    if (method.startsWith('views.')) {
      const problems = checkView(args.view);
      if (problems.length > 0) {
        this.violate(method, problems);
        return error('invalid_arguments');
      }
    }
    const channel = typeof args.channel === 'string' ? args.channel : '';
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://fake.slack.com/', team: 'Fake Team', team_id: this.teamId, user: 'labbook', user_id: this.botUserId, bot_id: 'B0LABBOT' });
      case 'chat.postMessage': {
        if (!channel) return error('channel_not_found');
        const dm = /^[UW]/.test(channel);
        if (dm && this.users.get(channel)?.deleted) return error('account_inactive');
        const ts = this.nextTs();
        return ok({ channel: dm ? `D${channel}` : channel, ts, message: { text: args.text, blocks: args.blocks, ts } });
      }
      case 'chat.update':
        return ok({ channel, ts: args.ts, text: args.text });
      case 'chat.delete':
        return ok({ channel, ts: args.ts });
      case 'chat.postEphemeral':
        return ok({ message_ts: this.nextTs() });
      case 'chat.getPermalink':
        return ok({ channel, permalink: `https://fake.slack.com/archives/${channel}/p${String(args.message_ts ?? '').replace('.', '')}` });
      case 'conversations.open':
        return ok({ channel: { id: `D${String(args.users ?? '').split(',')[0]}` } });
      case 'conversations.info':
        return ok({ channel: { id: channel, name: `name-${channel.toLowerCase()}`, is_member: true } });
      case 'users.info': {
        const user = this.users.get(String(args.user));
        if (!user) return error('user_not_found');
        return ok({
          user: {
            id: user.id,
            team_id: user.teamId ?? this.teamId,
            name: user.id.toLowerCase(),
            real_name: user.realName ?? user.id,
            deleted: user.deleted ?? false,
            is_bot: user.isBot ?? false,
            tz: user.tz ?? 'UTC',
            tz_offset: user.tzOffset ?? 0,
          },
        });
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const view = (args.view ?? {}) as Json;
        return ok({ view: { id: typeof args.view_id === 'string' ? args.view_id : `V${++this.seq}`, hash: `h${this.seq}`, ...view } });
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${++this.seq}`;
        this.pendingUploads.set(fileId, { filename: String(args.filename ?? '') });
        return ok({ upload_url: `${this.baseUrl}upload/${fileId}`, file_id: fileId });
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as Json[]) : [];
        for (const f of files) {
          const pending = this.pendingUploads.get(String(f.id));
          if (!pending) return error('file_not_found');
          this.uploads.push({
            fileId: String(f.id),
            filename: pending.filename,
            content: pending.content ?? '',
            ...(typeof args.channel_id === 'string' ? { channelId: args.channel_id } : {}),
            ...(typeof f.title === 'string' ? { title: f.title } : {}),
            ...(typeof args.initial_comment === 'string' ? { initialComment: args.initial_comment } : {}),
          });
        }
        return ok({ files: files.map((f) => ({ id: f.id, title: f.title })) });
      }
      default:
        return error('unknown_method');
    }
  }
}

function parseArgs(body: string, contentType: string): Json {
  if (body.length === 0) return {};
  if (contentType.includes('application/json') || body.startsWith('{')) {
    try {
      return JSON.parse(body) as Json;
    } catch {
      return {};
    }
  }
  // The WebClient form-encodes arguments and JSON-encodes nested values (blocks, view…).
  const out: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    out[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return out;
}

/** The file's bytes from an upload, which the WebClient sends as multipart/form-data. */
function fileContent(raw: Buffer, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const text = raw.toString('utf8');
  if (!boundary) return text;
  const marker = `--${boundary[1] ?? boundary[2]}`;
  const part = text.split(marker).find((p) => p.includes('\r\n\r\n'));
  if (!part) return '';
  return part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(10);
  }
}
