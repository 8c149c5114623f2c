import { z } from 'zod';
import { experimentLogMessage, hypothesisListMessage, LOG_PAGE, paginate } from '../../../blocks/lists.js';
import { noProjectOffer } from '../../../blocks/project.js';
import { latestLog } from '../../db/experimentLog.js';
import { hypothesesOfOwner, hypothesesOfProject, type HypothesisWithProject } from '../../db/hypotheses.js';
import { findProject, findProjectByChannel } from '../../db/projects.js';
import { notFound } from '../../rituals/errors.js';
import type { Services } from '../../services.js';
import { tell, type Audience } from '../tell.js';

/** What a pager button carries to bring back another page of the same list. */
export const ListRef = z.union([
  z.object({ kind: z.literal('project'), projectId: z.number().int(), page: z.number().int().min(0) }),
  z.object({ kind: z.literal('mine'), page: z.number().int().min(0) }),
]);
export type ListRef = z.infer<typeof ListRef>;
export const LogRef = z.object({ projectId: z.number().int(), beforeId: z.number().int() });

function countByStatus(rows: { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

export async function showList(
  services: Services,
  to: Audience & { teamId: string },
  ref: ListRef,
  replace = false,
): Promise<void> {
  let rows: HypothesisWithProject[];
  let title: string;
  let empty: string;
  if (ref.kind === 'project') {
    const project = await findProject(services.db, to.teamId, ref.projectId);
    if (!project) throw notFound('That project does not exist in this workspace.');
    rows = await hypothesesOfProject(services.db, to.teamId, project.id);
    title = `Hypotheses · ${project.name}`;
    empty = 'No hypotheses yet. Write the first with `/hypothesis new`.';
  } else {
    rows = await hypothesesOfOwner(services.db, to.teamId, to.userId);
    title = 'Your hypotheses';
    empty = 'You own no hypotheses yet. Write one with `/hypothesis new`.';
  }
  const message = hypothesisListMessage({
    title,
    page: paginate(rows, ref.page),
    counts: countByStatus(rows),
    now: services.clock.now(),
    withProject: ref.kind === 'mine',
    pageValue: (page) => JSON.stringify({ ...ref, page }),
    empty,
  });
  if (replace && to.respond) await to.respond({ replace_original: true, ...message });
  else await tell(to, message);
}

export async function showChannelList(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId, 'list'));
  await showList(services, to, { kind: 'project', projectId: project.id, page: 0 });
}

export async function showLog(
  services: Services,
  to: Audience & { teamId: string },
  ref: { projectId: number; beforeId?: number },
  replace = false,
): Promise<void> {
  const project = await findProject(services.db, to.teamId, ref.projectId);
  if (!project) throw notFound('That project does not exist in this workspace.');
  const rows = await latestLog(services.db, to.teamId, project.id, {
    limit: LOG_PAGE + 1,
    ...(ref.beforeId !== undefined ? { beforeId: ref.beforeId } : {}),
  });
  const entries = rows.slice(0, LOG_PAGE);
  const message = experimentLogMessage({
    projectName: project.name,
    entries,
    hasOlder: rows.length > LOG_PAGE,
    olderValue: JSON.stringify({ projectId: project.id, beforeId: entries.at(-1)?.id ?? 0 }),
  });
  if (replace && to.respond) await to.respond({ replace_original: true, ...message });
  else await tell(to, message);
}

export async function showChannelLog(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId, 'log'));
  await showLog(services, to, { projectId: project.id });
}
