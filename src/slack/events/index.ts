import type { Services } from '../../services.js';
import { publishHome } from '../flows/home.js';
import { onUserChange } from '../flows/away.js';
import { onMessage } from '../flows/meetings/index.js';
import { MessageEvent, UserChangeEvent } from '../payloads.js';
import type { Routes } from '../routes.js';

export function registerEvents(routes: Routes, services: Services): void {
  routes.event('app_home_opened', async ({ event, context, client }) => {
    // Only the Home tab is ours to draw; the Messages tab needs nothing.
    if (event.tab !== 'home' || !context.teamId) return;
    await publishHome(services, client, context.teamId, event.user).catch((error: unknown) =>
      services.logger.error('could not publish the Home tab', { userId: event.user, error }),
    );
  });
  // Replies in decision-meeting threads (message.channels / message.groups).
  routes.event('message', async ({ event, context, client }) => {
    const parsed = MessageEvent.safeParse(event);
    if (!parsed.success || !context.teamId) return;
    await onMessage(services, client, context.teamId, parsed.data).catch((error: unknown) =>
      services.logger.error('could not follow a thread reply', { channel: parsed.data.channel, error }),
    );
  });
  // A status change (:palm_tree:, "OOO") decides whether check-ins wait: keep the cache fresh.
  for (const name of ['user_change', 'user_status_changed'] as const) {
    routes.event(name, async ({ event, context }) => {
      const parsed = UserChangeEvent.safeParse(event);
      if (!parsed.success || !context.teamId) return;
      await onUserChange(services, context.teamId, parsed.data).catch((error: unknown) =>
        services.logger.error('could not keep a status change', { userId: parsed.data.user.id, error }),
      );
    });
  }
}
