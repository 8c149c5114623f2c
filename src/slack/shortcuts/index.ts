import type { App } from '@slack/bolt';
import { ids } from '../../../blocks/ids.js';
import type { Services } from '../../services.js';
import { addMessageToLog } from '../flows/logShortcut.js';
import { MessageShortcutPayload } from '../payloads.js';
import { tellError } from '../tell.js';
import { afterAcks } from '../afterAcks.js';

export function registerShortcuts(app: App, services: Services): void {
  app.shortcut(ids.log.addMessage, async ({ ack, body, client, respond }) => {
    await ack();
    await afterAcks();
    const parsed = MessageShortcutPayload.safeParse(body);
    if (!parsed.success) {
      services.logger.warn('malformed message shortcut', { issues: parsed.error.issues });
      return;
    }
    const to = { client, userId: parsed.data.user.id, respond, channelId: parsed.data.channel.id };
    try {
      await addMessageToLog(services, to, parsed.data);
    } catch (error) {
      await tellError(to, error, services.logger, { shortcut: ids.log.addMessage });
    }
  });
}
