import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { SimilarHypothesis } from '../src/db/search.js';
import { ids } from './ids.js';
import { cutWords, escapeMrkdwn, md, plain, slackDate } from './text.js';

/**
 * "Tried before?" in the new-hypothesis modal: a button under the statement, and what it
 * found drawn beneath it.
 */
const say = (text: string, max: number) => cutWords(escapeMrkdwn(text), max);

/** The block id of the "tried before?" button and of the answer drawn under it. */
export const TRIED_BEFORE_BLOCK = 'triedBefore';
export const TRIED_BEFORE_RESULT = 'triedBeforeResult';

/** Under the statement in the new-hypothesis modal. */
export function checkSimilarBlock(): ActionsBlock {
  return {
    type: 'actions',
    block_id: TRIED_BEFORE_BLOCK,
    elements: [
      {
        type: 'button',
        action_id: ids.search.checkSimilar,
        text: plain('Check for similar', 75),
        value: 'check',
      },
    ],
  };
}

/** "H4 disproven on 12 Nov (Search ranking): query expansion adds noise on tail queries." */
export function similarLine(s: SimilarHypothesis): string {
  const when = s.concludedAt
    ? ` on ${slackDate(s.concludedAt, s.concludedAt.toISOString().slice(0, 10), '{date_short}')}`
    : '';
  const learned = s.learnings ?? s.result;
  return `• *H${s.number}* ${s.status}${when} (${escapeMrkdwn(s.projectName)}): ${say(s.statement, 300)}${
    learned ? `\n   _Learned:_ ${say(learned, 400)}` : ''
  }`;
}

/** What the button found: up to three past hypotheses, or that nothing close was tried. */
export function triedBeforeBlock(found: SimilarHypothesis[] | 'empty-statement'): KnownBlock {
  const text =
    found === 'empty-statement'
      ? 'Write the hypothesis first, then check whether it was tried before.'
      : found.length === 0
        ? ':white_check_mark: Nothing close to this was tried before in this workspace.'
        : `:repeat: *Tried before?* The closest past hypotheses:\n${found.map(similarLine).join('\n')}`;
  return { type: 'section', block_id: TRIED_BEFORE_RESULT, text: md(text) };
}
