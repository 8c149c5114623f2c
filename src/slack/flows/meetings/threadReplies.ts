import type { WebClient } from '@slack/web-api';
import { replyAnswered, replyQuestion } from '../../../../blocks/meeting.js';
import {
  answerReply,
  followDeletedReply,
  followEditedReply,
  keepThreadReply,
} from '../../../rituals/meetings/proposals.js';
import type { Services } from '../../../services.js';
import type { MessageEvent } from '../../payloads.js';
import { tell } from '../../tell.js';
import type { To } from './shared.js';

/**
 * Follows people's replies in kickoff threads through the Events API (no polling of
 * conversations.replies, which Slack limits to one call a minute for apps like ours).
 * Bots' messages, ours included, and messages outside threads are ignored.
 */
export async function onMessage(
  services: Services,
  client: WebClient,
  teamId: string,
  e: MessageEvent,
): Promise<void> {
  const isBot = (m: { bot_id?: string | undefined; subtype?: string | undefined }) =>
    m.bot_id !== undefined || m.subtype === 'bot_message';
  if (e.subtype === 'message_changed') {
    const m = e.message;
    if (!m?.thread_ts || m.thread_ts === m.ts || !m.user || isBot(m)) return;
    await followEditedReply(services, {
      teamId,
      channelId: e.channel,
      threadTs: m.thread_ts,
      userId: m.user,
      ts: m.ts,
      text: m.text,
    });
    return;
  }
  if (e.subtype === 'message_deleted') {
    const m = e.previous_message;
    if (!m?.thread_ts || !e.deleted_ts) return;
    await followDeletedReply(services, {
      teamId,
      channelId: e.channel,
      threadTs: m.thread_ts,
      ts: e.deleted_ts,
    });
    return;
  }
  if (e.subtype !== undefined && e.subtype !== 'thread_broadcast') return;
  if (!e.thread_ts || !e.ts || e.thread_ts === e.ts || !e.user || isBot(e)) return;
  const question = await keepThreadReply(services, {
    teamId,
    channelId: e.channel,
    threadTs: e.thread_ts,
    userId: e.user,
    ts: e.ts,
    text: e.text,
  });
  if (!question) return;
  await client.chat.postEphemeral({
    channel: e.channel,
    user: e.user,
    thread_ts: e.thread_ts,
    ...replyQuestion(question.proposalId, question.ask),
  });
}

/** *Yes, it is my proposal* / *No, just discussion*: remembered for that reply, the question replaced by the answer. */
export async function answerThreadReply(
  services: Services,
  to: To,
  id: number,
  meant: 'proposal' | 'discussion',
): Promise<void> {
  await answerReply(services, to.teamId, to.userId, id, meant);
  const answer = replyAnswered(meant);
  if (to.respond) await to.respond({ response_type: 'ephemeral', replace_original: true, ...answer });
  else await tell(to, answer);
}
