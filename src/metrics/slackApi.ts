import type { FetchFunction } from '@slack/web-api';
import { sendToSlack, type SlackAnswer } from '../slack/transport.js';
import { slackApiCalls, type SlackCallOutcome } from './index.js';

/**
 * The fetch every Labbook WebClient is given (WebClientOptions.fetch; Bolt's `respond` uses
 * it too): each HTTP attempt to the Web API is counted by method and outcome. Nothing about
 * the call changes. The transport reads each answer in full, so a Web API method's body is
 * parsed here from its bytes, to tell `ok` from an error, while the caller reads its own
 * Response (cloning one instead tees its stream, which cost more than the call's parsing).
 */
export function meteredFetch(slackApiUrl: string): FetchFunction {
  return async (input, init) => {
    const method = methodOf(slackApiUrl, input, init);
    let res: SlackAnswer;
    try {
      res = await sendToSlack(input, init);
    } catch (error) {
      slackApiCalls.inc({ method, outcome: 'error' });
      throw error;
    }
    // Counted before the caller sees the answer, so a scrape after a call always includes it.
    const outcome = outcomeOfStatus(res.response.status);
    slackApiCalls.inc({
      method,
      outcome: outcome === 'ok' && !ONE_USE_URLS.has(method) && !okIn(res.body) ? 'error' : outcome,
    });
    return res.response;
  };
}

function outcomeOfStatus(status: number): SlackCallOutcome {
  if (status === 429) return '429';
  if (status >= 500) return '5xx';
  return status === 200 ? 'ok' : 'error';
}

// One decoder for every answer: this runs on each Slack call.
const utf8 = new TextDecoder();

function okIn(body: ArrayBuffer): boolean {
  try {
    return (JSON.parse(utf8.decode(body)) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

/**
 * `chat.postMessage` from `<api url>chat.postMessage`. Other URLs are Slack's too, handed
 * out for one use: a reply through a response_url (Bolt's `respond` posts JSON) is
 * `response_url`, a file's bytes sent to the URL files.getUploadURLExternal gave is
 * `upload`; so no URL becomes a label.
 */
const ONE_USE_URLS = new Set(['response_url', 'upload']);

function methodOf(
  slackApiUrl: string,
  input: Parameters<FetchFunction>[0],
  init: Parameters<FetchFunction>[1],
): string {
  const url = typeof input === 'string' ? input : input.href;
  if (!url.startsWith(slackApiUrl)) return typeof init?.body === 'string' ? 'response_url' : 'upload';
  const name = url.slice(slackApiUrl.length).split(/[?#]/)[0] ?? '';
  return /^[a-zA-Z]+(\.[a-zA-Z]+)+$/.test(name) ? name : 'other';
}
