import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { SEARCH_PAGE, searchResultsMessage } from '../../../blocks/search.js';
import { TRIED_BEFORE_BLOCK, TRIED_BEFORE_RESULT, triedBeforeBlock } from '../../../blocks/triedBefore.js';
import { hasSearchTerms, searchRecord, similarPastHypotheses, type SearchHit } from '../../db/search.js';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services.js';
import { readViewState, type BlockActionPayload } from '../payloads.js';
import { tell, type Audience } from '../tell.js';
import { lookupClient } from '../webClient.js';
import { redrawView } from './redrawView.js';

/** Long enough for any real question; short enough that a More button's value (2,000 chars) holds it. */
export const SEARCH_MAX_CHARS = 500;

/** What the More button carries: the same words, the next offset. */
export const SearchRef = z.object({
  q: z.string().min(1).max(SEARCH_MAX_CHARS),
  offset: z.number().int().min(0),
});
export type SearchRef = z.infer<typeof SearchRef>;

type To = Audience & { teamId: string };

/** `/hypothesis search <words>`. */
export async function searchCommand(services: Services, to: To, args: string): Promise<void> {
  const words = args.trim();
  if (!words) {
    await tell(to, {
      text: 'Give some words to look for, e.g. `/hypothesis search "label noise" -synthetic`: quotes keep a phrase together, `-` leaves a word out, `or` takes either.',
    });
    return;
  }
  if (words.length > SEARCH_MAX_CHARS) {
    await tell(to, {
      text: `That is ${words.length} characters; a search takes at most ${SEARCH_MAX_CHARS}. Try the few words that matter.`,
    });
    return;
  }
  await showSearchPage(services, to, { q: words, offset: 0 });
}

export async function showSearchPage(
  services: Services,
  to: To,
  ref: SearchRef,
  replace = false,
): Promise<void> {
  const [searchable, hits] = await Promise.all([
    hasSearchTerms(services.db, ref.q),
    searchRecord(services.db, to.teamId, ref.q, { offset: ref.offset, limit: SEARCH_PAGE }),
  ]);
  const links = await linksOf(to.client, services.logger, hits.slice(0, SEARCH_PAGE));
  const message = searchResultsMessage({
    words: ref.q,
    offset: ref.offset,
    hits,
    links,
    searchable,
    moreValue: JSON.stringify({ q: ref.q, offset: ref.offset + SEARCH_PAGE } satisfies SearchRef),
  });
  if (replace && to.respond) await to.respond({ replace_original: true, ...message });
  else await tell(to, message);
}

/**
 * A link to where each hit was said: the stored permalink, or one Slack gives for its
 * message. Asked all at once through the fail-fast client: a refused or rate-limited
 * lookup leaves that hit with its channel instead of holding up the answer.
 */
async function linksOf(client: WebClient, logger: Logger, hits: SearchHit[]): Promise<(string | null)[]> {
  const lookups = lookupClient(client, logger);
  return Promise.all(
    hits.map(async (h) => {
      if (h.permalink) return h.permalink;
      if (!h.channelId || !h.ts) return null;
      try {
        const answer = await lookups.chat.getPermalink({ channel: h.channelId, message_ts: h.ts });
        return answer.permalink ?? null;
      } catch (error) {
        logger.debug('no permalink for a search hit', { source: h.source, id: h.id, error: String(error) });
        return null;
      }
    }),
  );
}

const TRIED_BEFORE_SHOWN = 3;

/**
 * "Check for similar" in the new-hypothesis modal: the statement typed so far against the
 * workspace's past hypotheses, drawn under the button in the same modal.
 */
export async function checkSimilar(
  services: Services,
  client: WebClient,
  teamId: string,
  view: NonNullable<BlockActionPayload['view']>,
): Promise<void> {
  const statement = readViewState(view.state.values).statement;
  const text = typeof statement === 'string' ? statement.trim() : '';
  const answer = triedBeforeBlock(
    text ? await similarPastHypotheses(services.db, teamId, text, TRIED_BEFORE_SHOWN) : 'empty-statement',
  );
  await redrawView(client, services.logger, view, (blocks) =>
    blocks
      .filter((b) => b.block_id !== TRIED_BEFORE_RESULT)
      .flatMap((b) => (b.block_id === TRIED_BEFORE_BLOCK ? [b, { ...answer }] : [b])),
  );
}
