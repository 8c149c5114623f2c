import { noProjectOffer } from '../../../blocks/project.js';
import { escapeMrkdwn, truncate } from '../../../blocks/text.js';
import { appendLog } from '../../db/experimentLog.js';
import { findProjectByChannel } from '../../db/projects.js';
import type { Services } from '../../services.js';
import type { MessageShortcutPayload } from '../payloads.js';
import { tell, type Audience } from '../tell.js';

const NOTE_MAX = 3000;

/** "Add to experiment log": any message becomes a log entry of the channel's project, with a link back. */
export async function addMessageToLog(
  services: Services,
  to: Audience,
  payload: MessageShortcutPayload,
): Promise<void> {
  const teamId = payload.team.id;
  const project = await findProjectByChannel(services.db, teamId, payload.channel.id);
  if (!project) {
    await tell(to, noProjectOffer(payload.channel.id, 'logShortcut'));
    return;
  }
  const { permalink } = await to.client.chat.getPermalink({
    channel: payload.channel.id,
    message_ts: payload.message_ts,
  });
  const author = payload.message.user;
  const text = payload.message.text.trim() || '(a message with no text: see the link)';
  await appendLog(services.db, {
    teamId,
    projectId: project.id,
    kind: 'note',
    authorUserId: payload.user.id,
    text: truncate(author ? `${text}` : text, NOTE_MAX),
    details: { messageTs: payload.message_ts, messageAuthor: author ?? null, channelId: payload.channel.id },
    permalink: permalink ?? null,
    at: services.clock.now(),
  });
  await tell(to, {
    text: `Added to the experiment log of *${escapeMrkdwn(project.name)}*${permalink ? ` (<${permalink}|message>)` : ''}.`,
  });
}
