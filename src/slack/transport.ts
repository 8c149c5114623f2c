import type { FetchFunction } from '@slack/web-api';
import { request } from 'undici';

type Input = Parameters<FetchFunction>[0];
type Init = NonNullable<Parameters<FetchFunction>[1]>;

/** Slack's answer read in full: the Response a caller gets, and the bytes of its body. */
export interface SlackAnswer {
  response: Response;
  body: ArrayBuffer;
}

// Statuses whose Response may not have a body, even an empty one (Fetch standard).
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * How Labbook's Slack calls go over HTTP, under the `fetch` its WebClients and Bolt's
 * `respond` are given (metrics/slackApi.ts). Nearly every call is a small POST with a string
 * body (a form-encoded Web API call, a JSON reply to a response_url), and for those
 * undici's `request` costs well under half the CPU of Node's fetch, which wraps each call
 * in WHATWG streams and Request objects (`npm run bench` prints where an ack's CPU goes).
 * Any other body, a multipart file upload, goes through fetch.
 *
 * The body is always read here: a caller that ignores the answer (Bolt's `respond` does)
 * would otherwise leave its connection held until the garbage collector frees it.
 */
export async function sendToSlack(input: Input, init?: Init): Promise<SlackAnswer> {
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    const res = await fetch(input, init as RequestInit);
    return answer(res.status, res.headers, await res.arrayBuffer());
  }
  const res = await request(typeof input === 'string' ? input : input.toString(), {
    method: (init?.method ?? 'GET') as 'GET',
    headers: init?.headers as Record<string, string> | undefined,
    body: body ?? null,
    signal: init?.signal ?? null,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return answer(res.statusCode, headers, await res.body.arrayBuffer());
}

function answer(status: number, headers: Headers, body: ArrayBuffer): SlackAnswer {
  return { response: new Response(NULL_BODY.has(status) ? null : body, { status, headers }), body };
}
