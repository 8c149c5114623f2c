import type { ChatPostMessageArguments, WebClient } from '@slack/web-api';
import { classifySlackFailure } from './slackErrors.js';

/**
 * Posts with a fail-fast client, waiting out Slack's Retry-After a few times. For the
 * follow-up messages of work already recorded as sent (the thread of a long pre-read or
 * digest): Slack takes about one message a second in a channel and answers a burst with
 * 429, and the tail must not be lost to that.
 */
export async function postPatiently(
  client: WebClient,
  args: ChatPostMessageArguments,
  tries = 5,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.chat.postMessage(args);
      return;
    } catch (error) {
      const failure = classifySlackFailure(error);
      if (failure.type !== 'rate_limited' || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, failure.retryAfterMs));
    }
  }
}
