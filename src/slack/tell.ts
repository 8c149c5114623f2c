import type { RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../rituals/errors.js';
import type { Logger } from '../logger.js';

/** Where a private answer can go: the response_url, an ephemeral in a channel, or a DM. */
export interface Audience {
  client: WebClient;
  userId: string;
  respond?: RespondFn | undefined;
  channelId?: string | undefined;
}

/** Shows something to one person only, by the best route the payload offers. */
export async function tell(to: Audience, message: { text: string; blocks?: KnownBlock[] }): Promise<void> {
  if (to.respond) {
    await to.respond({ response_type: 'ephemeral', replace_original: false, ...message });
  } else if (to.channelId) {
    await to.client.chat.postEphemeral({ channel: to.channelId, user: to.userId, ...message });
  } else {
    // From a modal or the Home tab there is no channel: the app's DM is the private place.
    await to.client.chat.postMessage({ channel: to.userId, ...message });
  }
}

export const APOLOGY =
  'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.';

/**
 * The one place errors become words: expected ones (DomainError) say what happened and
 * what to do; anything else is logged with context and answered with an apology, never
 * dropped in silence.
 */
export async function tellError(
  to: Audience,
  error: unknown,
  logger: Logger,
  context: Record<string, unknown>,
): Promise<void> {
  if (error instanceof DomainError) {
    await tell(to, { text: error.message }).catch((e: unknown) =>
      logger.warn('could not tell the person', { error: e }),
    );
    return;
  }
  logger.error('request failed', { ...context, error });
  await tell(to, { text: APOLOGY }).catch((e: unknown) =>
    logger.warn('could not apologise either', { error: e }),
  );
}
