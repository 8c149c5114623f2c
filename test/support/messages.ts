import type { EmbeddedSlack, RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import type { SentView } from './modals.js';
import { blockAction, type SlackReply, type SlackTarget } from '../../src/sandbox/slack/requests.js';

/**
 * A person pressing a button (or choosing from an overflow/select) that the app really
 * sent: in a message it posted (the recorded chat.postMessage / chat.update answer, so the
 * channel and ts are the ones Slack gave it) or in a view it opened or published. The value
 * is the one the app put on the element; nothing is made up, so a press fails here when the
 * app never sent that button.
 */
export type Who = { userId: string; teamId: string };

interface Element {
  type: string;
  action_id: string;
  value?: string;
  options?: { value: string; text: { text: string } }[];
  block_id: string;
}

/** Every interactive element in blocks, with the block it sits in. */
export function elementsOf(blocks: unknown): Element[] {
  const out: Element[] = [];
  for (const block of Array.isArray(blocks) ? (blocks as Record<string, unknown>[]) : []) {
    const blockId = String(block.block_id ?? '');
    const candidates = [
      ...(Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : []),
      ...(block.accessory ? [block.accessory as Record<string, unknown>] : []),
    ];
    for (const el of candidates)
      if (typeof el.action_id === 'string') out.push({ ...(el as unknown as Element), block_id: blockId });
  }
  return out;
}

function find(blocks: unknown, actionId: string, where: string): Element {
  const elements = elementsOf(blocks);
  const el = elements.find((e) => e.action_id === actionId);
  if (!el)
    throw new Error(
      `${where} has no element ${actionId}; it has: ${elements.map((e) => e.action_id).join(', ') || 'none'}`,
    );
  return el;
}

/** Presses `actionId` in a message the app posted; Slack sends a fresh response_url with it. */
export function pressInMessage(
  t: { target: SlackTarget; fake: EmbeddedSlack },
  who: Who,
  posted: RecordedCall,
  actionId: string,
): Promise<SlackReply> {
  const answer = posted.response ?? {};
  const message = (answer.message ?? {}) as Record<string, unknown>;
  const blocks = message.blocks ?? posted.args.blocks;
  const el = find(blocks, actionId, `the message ${String(answer.ts)}`);
  const channelId = String(answer.channel);
  const ts = String(answer.ts);
  return blockAction(t.target, {
    ...who,
    actionId,
    blockId: el.block_id,
    ...(el.value !== undefined ? { value: el.value } : {}),
    channelId,
    messageTs: ts,
    message: { text: message.text ?? '', blocks },
    responseUrl: t.fake.responseUrl(),
  });
}

/** Presses a button, or picks the option whose text is `option`, in a view the app sent (a modal or Home). */
export function pressInView(
  target: SlackTarget,
  who: Who,
  view: SentView,
  actionId: string,
  option?: string,
): Promise<SlackReply> {
  const el = find(view.blocks, actionId, `the view ${view.id}`);
  if (option === undefined)
    return blockAction(target, {
      ...who,
      actionId,
      blockId: el.block_id,
      actionType: el.type,
      ...(el.value !== undefined ? { value: el.value } : {}),
      view,
    });
  const chosen = el.options?.find((o) => o.text.text === option || o.value === option);
  if (!chosen) throw new Error(`${actionId} in view ${view.id} has no option ${option}`);
  return blockAction(target, {
    ...who,
    actionId,
    blockId: el.block_id,
    actionType: el.type,
    selectedOption: chosen.value,
    view,
  });
}

/** The view a recorded views.* call answered with (id, hash as Slack gave them). */
export function viewFrom(call: RecordedCall): SentView {
  const view = call.response?.view;
  if (!view || typeof view !== 'object') throw new Error(`${call.method} answered no view`);
  return view as SentView;
}
