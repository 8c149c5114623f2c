import type { WebClient } from '@slack/web-api';
import { projectModal } from '../../../blocks/project.js';
import { PHASES } from '../../db/schema/index.js';
import { DESIGN_SECTION_MAX } from '../../rituals/plan/designDoc.js';
import { PROJECT_NAME_MAX } from '../../rituals/plan/projects.js';
import type { Services } from '../../services.js';

/**
 * Opens the new-project form. Its own module because both the project and the hypothesis
 * flows open it (a hypothesis needs a project first), and neither should import the other.
 */
export async function openProjectModal(
  _services: Services,
  client: WebClient,
  args: {
    teamId: string;
    userId: string;
    triggerId: string;
    channelId?: string;
    channelName?: string;
    then?: 'hypothesis';
  },
): Promise<void> {
  const view = projectModal({
    ...(args.channelId ? { channelId: args.channelId } : {}),
    ...(args.channelName ? { suggestedName: args.channelName.replace(/[-_]+/g, ' ') } : {}),
    leadDefault: args.userId,
    phases: PHASES,
    nameMax: PROJECT_NAME_MAX,
    problemMax: DESIGN_SECTION_MAX,
    privateMetadata: JSON.stringify({ channelId: args.channelId, then: args.then }),
    ...(args.then
      ? { notice: 'Hypotheses belong to a project. Create it first; your hypothesis form comes next.' }
      : {}),
  });
  await client.views.open({ trigger_id: args.triggerId, view });
}
