import type { WebClient } from '@slack/web-api';
import { HOME_LIST_CAP, homeView } from '../../../blocks/home.js';
import { runningOfOwner } from '../../db/hypotheses.js';
import { projectsOfUser } from '../../db/projects.js';
import type { Services } from '../../services.js';

/** Publishes a person's Home tab: what they run, what waits for their answer, their projects. */
export async function publishHome(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
): Promise<void> {
  const now = services.clock.now();
  const [running, awaiting, projects] = await Promise.all([
    // Each hypothesis in one list: one past its due time waits for its owner's answer, and
    // is listed there, not again among the running ones.
    runningOfOwner(services.db, teamId, userId, { limit: HOME_LIST_CAP, dueAfter: now }),
    runningOfOwner(services.db, teamId, userId, { limit: HOME_LIST_CAP, dueBy: now }),
    projectsOfUser(services.db, teamId, userId, HOME_LIST_CAP),
  ]);
  await client.views.publish({
    user_id: userId,
    view: homeView({ userId, now, running, awaitingCheckIn: awaiting, projects }),
  });
}

/** Home refreshes after a change must never fail the change itself. */
export async function refreshHomes(
  services: Services,
  client: WebClient,
  teamId: string,
  userIds: string[],
): Promise<void> {
  for (const userId of new Set(userIds)) {
    await publishHome(services, client, teamId, userId).catch((error: unknown) =>
      services.logger.warn('could not refresh the Home tab', { userId, error: String(error) }),
    );
  }
}
