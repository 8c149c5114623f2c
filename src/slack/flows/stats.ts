import { statsMessage } from '../../../blocks/stats.js';
import { hypothesesOfOwner, hypothesesOfProject } from '../../db/hypotheses.js';
import { findProjectByChannel } from '../../db/projects.js';
import { computeStats } from '../../rituals/checkins/stats.js';
import type { Services } from '../../services.js';
import { tell, type Audience } from '../tell.js';

export async function showStats(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  const [projectRows, mine] = await Promise.all([
    project ? hypothesesOfProject(services.db, to.teamId, project.id) : Promise.resolve([]),
    hypothesesOfOwner(services.db, to.teamId, to.userId),
  ]);
  await tell(
    to,
    statsMessage({
      ...(project ? { projectName: project.name, project: computeStats(projectRows) } : {}),
      mine: computeStats(mine),
    }),
  );
}
