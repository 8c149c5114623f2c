import { statsMessage, type ProjectTime } from '../../../blocks/stats.js';
import { hypothesesOfOwner, hypothesesOfProject, hypothesesOfTeam } from '../../db/hypotheses.js';
import type { Db } from '../../db/index.js';
import { projectsOfTeam } from '../../db/digests.js';
import { findProjectByChannel } from '../../db/projects.js';
import { minutesByActivity } from '../../db/timeEntries.js';
import { computeStats } from '../../rituals/checkins/stats.js';
import { byActivity } from '../../rituals/timeSpent/activities.js';
import { calibrateByKind, type EffortRecord } from '../../rituals/timeSpent/calibration.js';
import { loadEffort } from '../../rituals/timeSpent/timeSpent.js';
import type { Services } from '../../services.js';
import { tell, type Audience } from '../tell.js';

/** `/hypothesis stats [all]`: this project's record, or (`all`) every project's time by activity. */
export async function showStats(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
  args = '',
): Promise<void> {
  const all = args.trim().toLowerCase() === 'all';
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  const [projectRows, mine] = await Promise.all([
    project ? hypothesesOfProject(services.db, to.teamId, project.id) : Promise.resolve([]),
    hypothesesOfOwner(services.db, to.teamId, to.userId),
  ]);
  const scope = all ? await projectsOfTeam(services.db, to.teamId) : project ? [project] : [];
  await tell(
    to,
    statsMessage({
      ...(project ? { projectName: project.name, project: computeStats(projectRows) } : {}),
      mine: computeStats(mine),
      ...(scope.length ? { timeSpent: await timeOf(services.db, to.teamId, scope, all) } : {}),
      ...(scope.length
        ? {
            byKind: await byKindOf(
              services.db,
              to.teamId,
              all || !project ? undefined : { id: project.id, rows: projectRows },
            ),
          }
        : {}),
    }),
  );
}

/** Per kind of option over this project's hypotheses, or (`all`) the workspace's. */
async function byKindOf(db: Db, teamId: string, project?: { id: number; rows: EffortRecord[] }) {
  const [rows, effort] = await Promise.all([
    project ? project.rows : hypothesesOfTeam(db, teamId),
    loadEffort(db, teamId, project ? [project.id] : undefined),
  ]);
  return {
    scope: project ? 'this project' : 'every project of the workspace',
    kinds: calibrateByKind(rows, effort),
  };
}

async function timeOf(
  db: Db,
  teamId: string,
  projects: { id: number; name: string }[],
  all: boolean,
): Promise<ProjectTime[]> {
  const [minutes, planned] = await Promise.all([
    minutesByActivity(db, teamId, all ? undefined : projects[0]!.id),
    db
      .selectFrom('hypotheses')
      .select('project_id')
      .select((eb) => eb.fn.sum<string>('timebox_days').as('days'))
      .where('team_id', '=', teamId)
      .where('status', '<>', 'proposed')
      .groupBy('project_id')
      .execute(),
  ]);
  return projects.map((p) => ({
    name: p.name,
    plannedDays: Number(planned.find((r) => r.project_id === p.id)?.days ?? 0),
    minutes: byActivity(minutes.filter((m) => m.project_id === p.id)),
  }));
}
