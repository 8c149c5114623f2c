import type { KnownBlock } from '@slack/types';
import type { SearchHit } from '../src/db/search.js';
import { statusLabel } from './hypothesis.js';
import { ids } from './ids.js';
import { cutWords, escapeMrkdwn, md, plain } from './text.js';

/** `/hypothesis search`: ten hits a page, so a page is a dozen blocks whatever the record holds. */
export const SEARCH_PAGE = 10;
const TEXT_CHARS = 400;
const DETAIL_CHARS = 300;

const say = (text: string, max: number) => cutWords(escapeMrkdwn(text), max);

/** What became of a hit: a hypothesis' status (a disproven one is a dead end), a proposal's fate. */
function outcomeOf(h: SearchHit): string {
  const became =
    h.hypothesisNumber !== null && h.status
      ? `, became H${h.hypothesisNumber}: ${statusLabel(h.status)}`
      : '';
  switch (h.source) {
    case 'hypothesis':
      return h.status === 'disproven' ? ':bulb: *Disproven: a dead end*' : `*${statusLabel(h.status ?? '')}*`;
    case 'proposal':
      return h.chosen === true
        ? `:scales: *Proposal, chosen*${became}`
        : h.chosen === false
          ? ':scales: *Proposal, not chosen*'
          : ':scales: *Proposal*, not decided yet';
    case 'decision':
      return ':scales: *Decision*';
    case 'note':
      return ':memo: *Log note*';
  }
}

const detailLabel = (h: SearchHit) => (h.source === 'proposal' ? 'Not chosen because' : 'Learned');

function hitLine(h: SearchHit, link: string | null): string {
  const what = h.source === 'hypothesis' ? `*H${h.hypothesisNumber}* ` : '';
  const where = link ? `<${link}|open in Slack>` : `<#${h.projectChannelId}>`;
  const lines = [
    `${outcomeOf(h)} · ${escapeMrkdwn(h.projectName)} · ${where}`,
    `${what}${say(h.text, TEXT_CHARS)}`,
  ];
  if (h.detail) lines.push(`_${detailLabel(h)}:_ ${say(h.detail, DETAIL_CHARS)}`);
  return lines.join('\n');
}

export interface SearchPageInput {
  words: string;
  offset: number;
  /** Up to SEARCH_PAGE + 1 hits: one more than shown says there is a next page. */
  hits: SearchHit[];
  /** The link of each hit, by position; null when Slack gave none. */
  links: (string | null)[];
  /** Button value that brings the next page. */
  moreValue: string;
  searchable: boolean;
}

export function searchResultsMessage(input: SearchPageInput): { text: string; blocks: KnownBlock[] } {
  const words = `“${say(input.words, 200)}”`;
  if (!input.searchable)
    return {
      text: `Nothing to search for in ${words}.`,
      blocks: [
        {
          type: 'section',
          text: md(
            `Nothing to search for in ${words}: give some words, e.g. \`/hypothesis search "label noise" -synthetic\`.`,
          ),
        },
      ],
    };
  const shown = input.hits.slice(0, SEARCH_PAGE);
  if (shown.length === 0) {
    const text =
      input.offset === 0
        ? `Nothing in this workspace’s record matches ${words}.`
        : `No more results for ${words}.`;
    return { text, blocks: [{ type: 'section', text: md(text) }] };
  }
  const first = input.offset + 1;
  const range = `${first}–${input.offset + shown.length}`;
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [md(`:mag: Results ${range} for ${words}, dead ends first, then the best matches.`)],
    },
    ...shown.map((h, i): KnownBlock => ({ type: 'section', text: md(hitLine(h, input.links[i] ?? null)) })),
  ];
  if (input.hits.length > SEARCH_PAGE)
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', action_id: ids.search.more, text: plain('More', 75), value: input.moreValue },
      ],
    });
  return { text: `Results ${range} for ${words}`, blocks };
}
