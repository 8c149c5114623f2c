import type { FetchFunction } from '@slack/web-api';
import { slackApiCalls, type SlackCallOutcome } from './index.js';

/**
 * The fetch every Labbook WebClient is given (WebClientOptions.fetch): each HTTP attempt
 * to the Web API is counted by method and outcome. Nothing about the call changes; the
 * body is read from a clone (the caller reads the original) only when Slack answered 200, to tell `ok` from an error.
 */
export function meteredFetch(slackApiUrl: string): FetchFunction {
  return async (input, init) => {
    const method = methodOf(slackApiUrl, input);
    let res: Response;
    try {
      res = await fetch(input, init as RequestInit);
    } catch (error) {
      slackApiCalls.inc({ method, outcome: 'error' });
      throw error;
    }
    // Counted before the caller sees the answer, so a scrape after a call always includes it.
    slackApiCalls.inc({ method, outcome: await outcomeOf(res) });
    return res;
  };
}

async function outcomeOf(res: Response): Promise<SlackCallOutcome> {
  if (res.status === 429) return '429';
  if (res.status >= 500) return '5xx';
  if (res.status !== 200) return 'error';
  try {
    const body = (await res.clone().json()) as { ok?: unknown };
    return body.ok === true ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}

/**
 * `chat.postMessage` from `<api url>chat.postMessage`. Anything else the client fetches (a
 * file upload to the URL Slack handed out) is `upload`, so no URL becomes a label.
 */
function methodOf(slackApiUrl: string, input: Parameters<FetchFunction>[0]): string {
  const url = typeof input === 'string' ? input : input.href;
  if (!url.startsWith(slackApiUrl)) return 'upload';
  const name = url.slice(slackApiUrl.length).split(/[?#]/)[0] ?? '';
  return /^[a-zA-Z]+(\.[a-zA-Z]+)+$/.test(name) ? name : 'other';
}
