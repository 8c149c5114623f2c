import { escapeMrkdwn } from '../../../blocks/text.js';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { projectCreatedMessage, projectMessage, projectModal } from '../../../blocks/project.js';
import { reviewStateText } from '../../../blocks/designReview.js';
import { currentDesignDoc } from '../../db/designDocs.js';
import { latestReview } from '../../db/designReviews.js';
import { hypothesesOfProject } from '../../db/hypotheses.js';
import { findProjectByChannel, projectMembers } from '../../db/projects.js';
import { PHASES, STAGES, type Project } from '../../db/schema/index.js';
import { reviewState } from '../../rituals/designReview/review.js';
import { DomainError } from '../../rituals/errors.js';
import { DESIGN_SECTION_MAX } from '../../rituals/plan/designDoc.js';
import {
  createProject,
  editProject,
  projectForLead,
  ProjectEditSchema,
  PROJECT_NAME_MAX,
  validateProjectDraft,
} from '../../rituals/plan/projects.js';
import type { Services } from '../../services.js';
import { parseJson, readViewState, type ViewSubmissionPayload } from '../payloads.js';
import { tell, type Audience } from '../tell.js';
import { errorsResponse, readSubmission, type FlowResult } from './result.js';
import { hypothesisModalFor } from './hypotheses.js';
import { openProjectModal } from './projectModal.js';
import { refreshHomes } from './home.js';

export const ProjectMeta = z.object({
  channelId: z.string().optional(),
  then: z.literal('hypothesis').optional(),
});

/** `/hypothesis project`: the channel's project, or the form to create one. */
export async function showOrCreateProject(
  services: Services,
  to: Audience & { teamId: string; triggerId: string; channelId: string; channelName?: string | undefined },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) {
    await openProjectModal(services, to.client, {
      teamId: to.teamId,
      userId: to.userId,
      triggerId: to.triggerId,
      channelId: to.channelId,
      ...(to.channelName ? { channelName: to.channelName } : {}),
    });
    return;
  }
  await tell(to, await projectSummary(services, project));
}

async function projectSummary(services: Services, project: Project) {
  const [members, hypotheses, doc, review] = await Promise.all([
    projectMembers(services.db, project.team_id, project.id),
    hypothesesOfProject(services.db, project.team_id, project.id),
    currentDesignDoc(services.db, project.team_id, project.id),
    latestReview(services.db, project.team_id, project.id),
  ]);
  const counts: Record<string, number> = {};
  for (const h of hypotheses) counts[h.status] = (counts[h.status] ?? 0) + 1;
  const problem = doc.find((d) => d.section === 'problem')?.content;
  const designReview = reviewStateText(reviewState(review));
  return projectMessage({ ...project, members, counts, designReview, ...(problem ? { problem } : {}) });
}

export async function submitProject(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const teamId = payload.team.id;
  const actor = payload.user.id;
  const meta = parseJson(ProjectMeta, payload.view.private_metadata) ?? {};
  const checked = validateProjectDraft(readViewState(payload.view.state.values));
  if (!checked.ok) return errorsResponse(checked.errors);
  let project: Project;
  try {
    project = await createProject(services, teamId, actor, checked.value);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'conflict') {
      return {
        response: { response_action: 'errors', errors: { channelId: error.message.replace(/\*/g, '') } },
      };
    }
    throw error;
  }
  const announce = async () => {
    await client.chat
      .postMessage({ channel: project.channel_id, ...projectCreatedMessage({ ...project, creator: actor }) })
      .catch(() =>
        tell(
          { client, userId: actor },
          {
            text: `Project *${escapeMrkdwn(project.name)}* is created. I could not post in <#${project.channel_id}>: invite me with \`/invite @Labbook\` so check-ins and digests can reach the team.`,
          },
        ),
      );
    await refreshHomes(services, client, teamId, [actor, project.lead_user_id]);
  };
  if (meta.then === 'hypothesis') {
    // The project exists now; if the next form cannot be built, still close and announce.
    const view = await hypothesisModalFor(services, client, teamId, actor, {
      project,
      channelId: project.channel_id,
    }).catch((error: unknown) => {
      services.logger.error('could not build the hypothesis form after creating a project', { error });
      return undefined;
    });
    if (view) return { response: { response_action: 'update', view }, after: announce };
  }
  return { after: announce };
}

const EditMeta = z.object({ projectId: z.number().int().positive(), channelId: z.string().optional() });

/** "Edit project", for the lead: name, lead, members, phase and stage. */
export async function openEditProject(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  projectId: number,
): Promise<void> {
  const project = await projectForLead(services.db, to.teamId, to.userId, projectId);
  const members = await projectMembers(services.db, to.teamId, project.id);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: projectModal({
      leadDefault: project.lead_user_id,
      phases: PHASES,
      nameMax: PROJECT_NAME_MAX,
      problemMax: DESIGN_SECTION_MAX,
      privateMetadata: JSON.stringify({ projectId: project.id, channelId: to.channelId }),
      editing: {
        name: project.name,
        memberIds: members.filter((m) => m !== project.lead_user_id),
        phase: project.phase,
        stage: project.stage,
        stages: STAGES,
      },
    }),
  });
}

export async function submitEditProject(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: EditMeta,
    form: ProjectEditSchema,
    what: 'the project',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const project = await editProject(services, teamId, actor, meta.projectId, form);
  return {
    after: async () => {
      await tell(
        { client, userId: actor, channelId: meta.channelId },
        {
          text: `Saved *${escapeMrkdwn(project.name)}*: lead <@${project.lead_user_id}>, phase ${project.phase}, stage ${project.stage}.`,
        },
      );
      await refreshHomes(services, client, teamId, [actor, project.lead_user_id]);
    },
  };
}
