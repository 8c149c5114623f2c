import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Problem } from './blockKitLimits.js';
import type { Fault } from './model.js';

/**
 * Slack's Web API on the wire: arguments as the WebClient sends them (form-encoded, JSON
 * values inside, or JSON with a Bearer token), answers and errors as Slack words them, and
 * the faults a test injects as Slack's edge would answer them.
 */
export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
export const ok = (extra: Json = {}): Json => ({ ok: true, ...extra });
export const slackError = (error: string, extra: Json = {}): Json => ({ ok: false, error, ...extra });
/** Slack's invalid_blocks / invalid_arguments carry the reasons in response_metadata.messages. */
export const slackErrorWithReasons = (error: string, messages: string[]): Json =>
  slackError(error, { response_metadata: { messages } });

/** Slack's wording for a refused block: "[ERROR] <why> [json-pointer:/blocks/0/text]". */
export function reasons(problems: Problem[], root = ''): string[] {
  return problems.map((p) => {
    const pointer = `${root}/${p.path}`
      .replace(/\[(\d+)\]/g, '/$1')
      .replace(/\./g, '/')
      .replace(/\/+/g, '/');
    return `[ERROR] ${p.message} [json-pointer:${pointer}]`;
  });
}

/** `Authorization: Bearer …` (the WebClient's way), else a `token` argument (Slack accepts both). */
export function tokenOf(req: IncomingMessage, args: Json): string | undefined {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return typeof args.token === 'string' ? args.token : undefined;
}

export function answerFault(
  fault: Exclude<Fault, { kind: 'slow' | 'reset' | 'timeout' }>,
  res: ServerResponse,
): void {
  switch (fault.kind) {
    case 'ratelimited':
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    case 'http':
      res
        .writeHead(fault.status, { 'content-type': 'text/plain' })
        .end(`embedded Slack: injected HTTP ${fault.status}`);
      return;
    case 'error':
      sendJson(res, 200, slackError(fault.error));
  }
}

export function answerCrash(res: ServerResponse, error: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'content-type': 'text/plain' }).end(`embedded Slack crashed: ${String(error)}`);
}

/**
 * A body as JSON (`application/json`, which Slack accepts with a Bearer token and Bolt's
 * respond() uses for response_url) or form-encoded (the WebClient's default).
 */
export function parseBody(body: string, contentType: string): Json {
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
export function decodeForm(params: URLSearchParams): Json {
  const out: Json = {};
  for (const [key, value] of params) out[key] = /^\s*[[{]/.test(value) ? tryJson(value) : value;
  return out;
}

export function tryJson(value: string): unknown {
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
export function fileBytes(raw: Buffer, contentType: string): Buffer {
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

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: Json): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
