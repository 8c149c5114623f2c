import { existsSync, promises as fs } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  ActionRequestSchema,
  ClockRequestSchema,
  CloseRequestSchema,
  ComposerRequestSchema,
  HomeOpenedRequestSchema,
  ShortcutRequestSchema,
  SubmitRequestSchema,
  type ApiError,
  type SandboxEvent,
} from './api.js';
import { Refused } from './interactions.js';
import type { Sandbox } from './sandbox.js';

/**
 * The sandbox page's server, on 127.0.0.1 only: the HTML shell, the page's assets built by
 * `npm run build` (dist/sandbox-ui/), and the sandbox API under /sandbox/api/ (see api.ts).
 * A thin layer: it parses and validates, asks the Sandbox, and answers JSON.
 */
export interface PageServer {
  port: number;
  close(): Promise<void>;
}

const ASSETS: Record<string, string> = {
  'main.js': 'text/javascript; charset=utf-8',
  'main.js.map': 'application/json',
  'main.css': 'text/css; charset=utf-8',
  'main.css.map': 'application/json',
};

/** dist/sandbox-ui/ beside the built server (dist/src/sandbox/), or under dist/ when run from src/ with tsx. */
function assetsDir(): string {
  const built = fileURLToPath(new URL('../../sandbox-ui/', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('../../dist/sandbox-ui/', import.meta.url));
}

const shell = (version: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="labbook-version" content="${version}">
<title>Labbook sandbox</title>
<link rel="stylesheet" href="/assets/main.css">
<script type="module" src="/assets/main.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>Sandbox — a local stand-in for Slack. The sandbox page needs JavaScript.</noscript>
</body>
</html>
`;

export async function startPageServer(sandbox: Sandbox, port: number): Promise<PageServer> {
  const sockets = new Set<Socket>();
  const streams = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    route(sandbox, req, res, streams).catch((error: unknown) => {
      if (error instanceof Refused)
        return sendJson(res, error.status, {
          error: error.code,
          message: error.message,
          ...(error.blockId ? { blockId: error.blockId } : {}),
        } satisfies ApiError);
      sandbox.logger.error('sandbox API failed', { url: req.url, error });
      if (!res.headersSent)
        sendJson(res, 500, {
          error: 'internal',
          message: error instanceof Error ? error.message : String(error),
        });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('the sandbox page server has no TCP address'));
    });
  });
  return {
    port: bound,
    async close() {
      for (const res of streams) res.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function route(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  streams: Set<ServerResponse>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (method === 'GET' && (path === '/' || path === '/index.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return void res.end(shell(sandbox.version));
  }
  // The same probe a real deployment answers (the Docker image's HEALTHCHECK asks it).
  if (method === 'GET' && path === '/healthz') return sendJson(res, 200, { ok: true, sandbox: true });
  if (method === 'GET' && path.startsWith('/assets/')) return asset(path.slice('/assets/'.length), res);
  if (!path.startsWith('/sandbox/api/')) throw new Refused(404, 'not_found', `Nothing at ${path}.`);
  const rest = path.slice('/sandbox/api/'.length).split('/').map(decodeURIComponent);
  const as = url.searchParams.get('as') ?? '';

  if (method === 'GET') {
    const [what, id, sub, ts] = rest;
    if (what === 'workspace' && !id) return sendJson(res, 200, await sandbox.workspace());
    if (what === 'events' && !id) return events(sandbox, req, res, streams);
    if (what === 'conversations' && id && !sub) {
      const before = url.searchParams.get('before') ?? undefined;
      return sendJson(res, 200, sandbox.conversation(as, id, before));
    }
    if (what === 'conversations' && id && sub === 'replies' && ts)
      return sendJson(res, 200, sandbox.thread(as, id, ts));
    if (what === 'home' && !id) return sendJson(res, 200, sandbox.home(as));
    if (what === 'modal' && !id) return sendJson(res, 200, sandbox.modal(as));
    if (what === 'files' && id && !sub) {
      const file = sandbox.file(id);
      res.writeHead(200, { 'content-type': file.mimetype, 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
  }
  if (method === 'POST') {
    const [what, id, sub] = rest;
    const body = await readJson(req);
    if (what === 'composer' && !id)
      return sendJson(res, 200, await sandbox.compose(parse(ComposerRequestSchema, body)));
    if (what === 'actions' && !id)
      return sendJson(res, 200, await sandbox.act(parse(ActionRequestSchema, body)));
    if (what === 'shortcuts' && !id)
      return sendJson(res, 200, await sandbox.shortcut(parse(ShortcutRequestSchema, body)));
    if (what === 'views' && id && sub === 'submit')
      return sendJson(res, 200, await sandbox.submit(id, parse(SubmitRequestSchema, body)));
    if (what === 'views' && id && sub === 'close')
      return sendJson(res, 200, await sandbox.close(id, parse(CloseRequestSchema, body)));
    if (what === 'home' && id === 'opened' && !sub)
      return sendJson(res, 200, await sandbox.homeOpened(parse(HomeOpenedRequestSchema, body)));
    if (what === 'clock' && !id)
      return sendJson(res, 200, await sandbox.moveClock(parse(ClockRequestSchema, body)));
    if (what === 'reset' && !id) return sendJson(res, 200, await sandbox.reset());
  }
  throw new Refused(404, 'not_found', `No ${method} ${path} in the sandbox API.`);
}

async function asset(name: string, res: ServerResponse): Promise<void> {
  const type = ASSETS[name];
  const file = `${assetsDir()}${name}`;
  if (!type || !existsSync(file))
    throw new Refused(404, 'not_found', `No asset ${name}: run \`npm run build\` to build the sandbox page.`);
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
  res.end(await fs.readFile(file));
}

/** Server-Sent Events of the embedded Slack's changes, until the page goes away. */
function events(
  sandbox: Sandbox,
  req: IncomingMessage,
  res: ServerResponse,
  streams: Set<ServerResponse>,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const send = (e: SandboxEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
  const unsubscribe = sandbox.subscribe(send);
  // A comment now and then keeps proxies and the browser from calling the stream idle.
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  streams.add(res);
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  });
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new Refused(
      400,
      'invalid_request',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000)
      throw new Refused(413, 'too_large', 'The request is larger than the sandbox takes.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Refused(400, 'invalid_request', 'The body is not JSON.');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
