import type { Button, KnownBlock, ModalView } from '@slack/types';
import { CHECKIN_ANSWERS } from './checkin.js';
import type { HypothesisView } from './hypothesis.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { md, plain, userText } from './text.js';

/**
 * Concluding at any time: a hypothesis can be validated, disproven or abandoned before its
 * timebox ends, and a proposed one abandoned before it starts. The card offers it; the
 * chooser below leads on to the check-in's own outcome form.
 */
export function concludeButtons(h: Pick<HypothesisView, 'id' | 'status'>): Button[] {
  if (h.status !== 'running' && h.status !== 'proposed') return [];
  return [
    {
      type: 'button',
      action_id: ids.hypothesis.conclude,
      text: plain(h.status === 'running' ? 'Conclude' : 'Abandon', LIMITS.buttonText),
      value: String(h.id),
    },
  ];
}

/** "Day 4 of 10: concluding early is fine." while the timebox runs; nothing once it has ended. */
export function earlyNote(days: { spent: number; planned: number } | null): string | undefined {
  if (!days) return undefined;
  return `Day ${Math.max(1, days.spent)} of ${days.planned}: concluding early is fine. Record what you know now, or abandon it with a clear conscience.`;
}

/** Which outcome to record; Next opens the outcome form for it. */
export function concludeModal(input: {
  h: Pick<HypothesisView, 'number' | 'statement' | 'success_criteria'>;
  note?: string;
  privateMetadata: string;
}): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `*H${input.h.number}* ${userText(input.h.statement, 1500)}\n*Bar:* ${userText(input.h.success_criteria, 1000)}`,
      ),
    },
    ...(input.note ? [{ type: 'context' as const, elements: [md(input.note)] }] : []),
    {
      type: 'input',
      block_id: 'answer',
      label: plain('How did it come out?', 2000),
      element: {
        type: 'radio_buttons',
        action_id: 'answer',
        // Read here, not at import: checkin.ts and hypothesis.ts import each other through this file.
        options: CHECKIN_ANSWERS.filter((a) => a.answer !== 'extend').map((a) => ({
          text: plain(a.label, LIMITS.optionText),
          value: a.answer,
        })),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: ids.hypothesis.concludeModal,
    title: plain(`Conclude H${input.h.number}`, LIMITS.viewTitle),
    submit: plain('Next', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks,
  };
}
