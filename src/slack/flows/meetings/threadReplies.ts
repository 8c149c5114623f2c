import {
  followDeletedReply,
  followEditedReply,
  keepThreadReply,
} from '../../../rituals/meetings/proposals.js';
import type { Services } from '../../../services.js';
import type { MessageEvent } from '../../payloads.js';

/**
 * Follows people's replies in kickoff threads through the Events API (no polling of
 * conversations.replies, which Slack limits to one call a minute for apps like ours).
 * Bots' messages, ours included, and messages outside threads are ignored.
 */
export async function onMessage(services: Services, teamId: string, e: MessageEvent): Promise<void> {
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
  await keepThreadReply(services, {
    teamId,
    channelId: e.channel,
    threadTs: e.thread_ts,
    userId: e.user,
    ts: e.ts,
    text: e.text,
  });
}
