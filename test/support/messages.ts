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

/** Where a message sits in Slack: its channel (a DM's D-id) and ts. */
export interface MessageAt {
  channel: string;
  ts: string;
  /** An ephemeral's one reader: nobody else sees it, so nobody else can press it. */
  visibleTo?: string;
}

/** Where the message a recorded chat.postMessage (or chat.postEphemeral) answer created sits. */
export function messageAt(posted: RecordedCall): MessageAt {
  const answer = posted.response ?? {};
  // chat.postEphemeral answers with message_ts alone: the ephemeral is in the channel it was posted to.
  if (posted.method === 'chat.postEphemeral' && answer.message_ts)
    return {
      channel: String(posted.args.channel),
      ts: String(answer.message_ts),
      visibleTo: String(posted.args.user),
    };
  if (!answer.ts) throw new Error(`${posted.method} to ${String(posted.args.channel)} posted no message`);
  return { channel: String(answer.channel), ts: String(answer.ts) };
}

/** A message as a person sees it: its text and blocks. */
export interface Shown {
  text: unknown;
  blocks: unknown;
}

/**
 * The message `posted` as `userId` sees it now in the embedded Slack (after every
 * chat.update and replace_original; an ephemeral only by the one person it was sent to),
 * or with `asFirstPosted` as the app first posted it.
 */
export function messageShown(
  fake: EmbeddedSlack,
  userId: string,
  posted: RecordedCall | MessageAt,
  opts: { asFirstPosted?: boolean } = {},
): Shown {
  if (opts.asFirstPosted && 'method' in posted) return firstPosted(posted);
  const { channel, ts, visibleTo } = 'method' in posted ? messageAt(posted) : posted;
  if (visibleTo) {
    const ephemeral = fake.state.find(channel, ts, userId);
    if (!ephemeral?.visibleTo)
      throw new Error(`no ephemeral ${ts} in ${channel} that ${userId} sees (it was sent to ${visibleTo})`);
    return { text: ephemeral.text, blocks: ephemeral.blocks };
  }
  const message = fake.messagesIn(channel).find((m) => m.ts === ts);
  if (!message) throw new Error(`no message ${ts} in ${channel} any more: nothing to press`);
  return message;
}

/**
 * Presses `actionId` in a message the app posted, as the message is now in the embedded
 * Slack (after every chat.update and replace_original), never as it first was: a button
 * the app has since taken away cannot be pressed, and a press on a deleted message fails
 * here. An ephemeral can be pressed by the one person it was sent to. `asFirstPosted`
 * presses the recorded post as it first arrived instead: a second device that still shows
 * it. Slack sends a fresh response_url with it.
 */
export async function pressInMessage(
  t: { target: SlackTarget; fake: EmbeddedSlack },
  who: Who,
  posted: RecordedCall | MessageAt,
  actionId: string,
  opts: { asFirstPosted?: boolean } = {},
): Promise<Pressed> {
  const { channel, ts, visibleTo } = 'method' in posted ? messageAt(posted) : posted;
  const message = messageShown(t.fake, who.userId, posted, opts);
  const el = find(message.blocks, actionId, `the message ${ts} in ${channel}`);
  const responseUrl = t.fake.responseUrl({ for: { channel, user: who.userId, messageTs: ts } });
  const reply = await blockAction(t.target, {
    ...who,
    actionId,
    blockId: el.block_id,
    actionType: el.type,
    ...(el.value !== undefined ? { value: el.value } : {}),
    channelId: channel,
    messageTs: ts,
    ...(visibleTo
      ? { container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: true } }
      : {}),
    message: { text: message.text ?? '', blocks: message.blocks },
    responseUrl,
  });
  return { ...reply, responseUrl };
}

/** A press's HTTP answer, and the response_url Slack sent with it (where the app may answer later). */
export interface Pressed extends SlackReply {
  responseUrl: string;
}

/**
 * The message as the app first posted it: what a second device that has not caught up with
 * the app's chat.updates still shows (asFirstPosted, for a test of a stale press).
 */
function firstPosted(posted: RecordedCall): Shown {
  const message = (posted.response?.message ?? {}) as Record<string, unknown>;
  return { text: message.text ?? posted.args.text, blocks: message.blocks ?? posted.args.blocks };
}

/**
 * Presses `actionId` in a reply the app sent through a response_url (an ephemeral only the
 * person sees): the button and its value are the ones in that reply.
 */
export function pressInReply(
  t: { target: SlackTarget; fake: EmbeddedSlack },
  who: Who,
  reply: { blocks?: unknown; text?: unknown },
  actionId: string,
  channelId: string,
): Promise<SlackReply> {
  const el = find(reply.blocks, actionId, `the reply "${String(reply.text).slice(0, 60)}"`);
  return blockAction(t.target, {
    ...who,
    actionId,
    blockId: el.block_id,
    actionType: el.type,
    ...(el.value !== undefined ? { value: el.value } : {}),
    channelId,
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
