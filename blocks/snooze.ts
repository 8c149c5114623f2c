import type { KnownBlock, ModalView } from '@slack/types';
import { checkInValue } from './checkin.js';
import { ids } from './ids.js';
import { md, plain } from './text.js';

export const SNOOZE_CHOICES = [
  { value: 'tomorrow', label: 'Tomorrow morning' },
  { value: 'monday', label: 'Next Monday' },
  { value: 'day', label: 'On the day I pick' },
] as const;

/** The *Not now* button under a check-in or reminder. */
export function notNowBlock(h: { id: number }, round: number): KnownBlock {
  return {
    type: 'actions',
    block_id: 'checkin_snooze',
    elements: [
      {
        type: 'button',
        action_id: ids.snooze.open,
        text: plain('Not now', 75),
        value: checkInValue(h.id, round),
      },
    ],
  };
}

/** When to ask again: tomorrow, next Monday, or a day at most `maxDays` on. */
export function snoozeModal(o: {
  h: { number: number };
  snoozesLeft: number;
  maxDays: number;
  privateMetadata: string;
}): ModalView {
  const left = o.snoozesLeft === 1 ? 'once more' : `${o.snoozesLeft} times`;
  return {
    type: 'modal',
    callback_id: ids.snooze.modal,
    title: plain('Not now', 24),
    submit: plain('Ask me then', 24),
    close: plain('Cancel', 24),
    private_metadata: o.privateMetadata,
    blocks: [
      {
        type: 'section',
        text: md(
          `I'll ask about H${o.h.number} again then, and its reminder and the lead's notice move with it. This is not an extension: the timebox stays as planned. You can put this round off ${left}.`,
        ),
      },
      {
        type: 'input',
        block_id: 'when',
        label: plain('Ask me again', 2000),
        element: {
          type: 'radio_buttons',
          action_id: 'when',
          initial_option: { text: plain(SNOOZE_CHOICES[0].label, 75), value: SNOOZE_CHOICES[0].value },
          options: SNOOZE_CHOICES.map((c) => ({ text: plain(c.label, 75), value: c.value })),
        },
      },
      {
        type: 'input',
        block_id: 'day',
        optional: true,
        label: plain('The day', 2000),
        hint: plain(`At most ${o.maxDays} days from today; I ask at the start of your working day.`, 2000),
        element: { type: 'datepicker', action_id: 'day' },
      },
    ],
  };
}
