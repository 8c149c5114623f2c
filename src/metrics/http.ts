import { timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { registry } from './index.js';

/**
 * GET /metrics. Never on the public port unguarded: the figures say how busy each
 * workspace-facing part is, which is no business of the internet. Either a listener of its
 * own on loopback (METRICS_PORT), where a sidecar or node agent scrapes, or the public port
 * with METRICS_TOKEN as a bearer token. With both set, the loopback listener asks for the
 * token too.
 */
export function metricsHandler(token: string | undefined) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('a bearer token is required\n');
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`metrics could not be collected: ${String(error)}\n`);
      },
    );
  };
}

/** /metrics beside /healthz on the public port, only when a token guards it. */
export function metricsRoute(metrics: {
  port: number | undefined;
  token: string | undefined;
}): CustomRoute[] {
  if (metrics.port !== undefined || metrics.token === undefined) return [];
  return [{ path: '/metrics', method: ['GET'], handler: metricsHandler(metrics.token) }];
}

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/** The loopback listener for METRICS_PORT (0 picks a free port, for tests). */
export async function startMetricsListener(
  port: number,
  token: string | undefined,
): Promise<MetricsListener> {
  const handle = metricsHandler(token);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') return handle(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('only GET /metrics here\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
