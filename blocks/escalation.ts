import type { Button, KnownBlock } from '@slack/types';
import { CHECKIN_ANSWERS, checkInValue } from './checkin.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { md, plain } from './text.js';

/**
 * The escalation DM to the project lead, with what the lead can do about it at once:
 * answer for the owner (the same outcome form), extend, give it a new owner (the edit
 * form, whose new owner gets the check-in), or abandon it. Every button goes through the
 * same permission check as the owner's, so a lead who no longer leads is refused.
 */
export function escalationMessage(
  text: string,
  h: { id: number; number: number },
  round: number,
): { text: string; blocks: KnownBlock[] } {
  const value = checkInValue(h.id, round);
  const button = (action_id: string, label: string, v = value): Button => ({
    type: 'button',
    action_id,
    text: plain(label, LIMITS.buttonText),
    value: v,
  });
  const answers = CHECKIN_ANSWERS.map((a) => button(a.actionId, a.label));
  return {
    text,
    blocks: [
      { type: 'section', text: md(text) },
      {
        type: 'actions',
        block_id: 'escalation_actions',
        elements: [...answers, button(ids.hypothesis.edit, 'New owner', String(h.id))],
      },
    ],
  };
}
