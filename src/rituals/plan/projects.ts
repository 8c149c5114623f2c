import { z } from 'zod';
import { appendLog } from '../../db/experimentLog.js';
import { addRevision } from '../../db/designDocs.js';
import {
  findProject,
  findProjectByChannel,
  insertProject,
  projectMembers,
  setMembers,
  updateProject,
} from '../../db/projects.js';
import { PHASES, STAGES, type Project } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { escapeMrkdwn } from '../../../blocks/text.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { canEditProject } from './permissions.js';
import { DESIGN_SECTION_MAX } from './designDoc.js';
import { validateForm, type Validated } from '../forms.js';

export const PROJECT_NAME_MAX = 80;

export const ProjectDraftSchema = z.object({
  channelId: z.string({ error: 'Choose the channel where this project’s rituals happen.' }).min(1),
  name: z
    .string({ error: 'Give the project a name.' })
    .trim()
    .min(1, { error: 'Give the project a name.' })
    .max(PROJECT_NAME_MAX, { error: `Keep the name under ${PROJECT_NAME_MAX} characters.` }),
  leadUserId: z.string({ error: 'Choose the project lead.' }).min(1),
  memberIds: z
    .array(z.string())
    .max(100)
    .nullish()
    .transform((v) => v ?? []),
  phase: z
    .enum(PHASES)
    .nullish()
    .transform((v) => v ?? 'discover'),
  problem: z
    .string({ error: 'Say what problem this project solves, and why now.' })
    .trim()
    .min(1, { error: 'Say what problem this project solves, and why now.' })
    .max(DESIGN_SECTION_MAX, { error: `Keep it under ${DESIGN_SECTION_MAX} characters.` }),
});
export type ProjectDraft = z.output<typeof ProjectDraftSchema>;
export type ProjectField = keyof z.input<typeof ProjectDraftSchema>;

export function validateProjectDraft(input: Record<string, unknown>): Validated<ProjectDraft, ProjectField> {
  return validateForm(ProjectDraftSchema, input);
}

/**
 * A project with its lead, members and problem statement (the one required section of
 * the design doc), announced in the log. One project per channel: the channel is where
 * its check-ins, meetings and digests happen.
 */
export async function createProject(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  draft: ProjectDraft,
): Promise<Project> {
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    const existing = await findProjectByChannel(trx, teamId, draft.channelId);
    if (existing) {
      throw conflict(
        `<#${draft.channelId}> already has a project: *${escapeMrkdwn(existing.name)}*. One project per channel.`,
      );
    }
    const project = await insertProject(trx, {
      teamId,
      channelId: draft.channelId,
      name: draft.name,
      leadUserId: draft.leadUserId,
      memberIds: draft.memberIds,
      phase: draft.phase,
      createdBy: actor,
      at,
    });
    await addRevision(trx, {
      teamId,
      projectId: project.id,
      section: 'problem',
      content: draft.problem,
      authorUserId: actor,
      at,
    });
    await appendLog(trx, {
      teamId,
      projectId: project.id,
      kind: 'project_created',
      authorUserId: actor,
      text: `Project ${project.name} started.`,
      details: { lead: project.lead_user_id, members: draft.memberIds },
      at,
    });
    return project;
  });
}

export const ProjectEditSchema = ProjectDraftSchema.pick({
  name: true,
  leadUserId: true,
  memberIds: true,
}).extend({
  phase: z.enum(PHASES, { error: 'Choose the phase.' }),
  stage: z.enum(STAGES, { error: 'Choose the delivery stage.' }),
});
export type ProjectEdit = z.output<typeof ProjectEditSchema>;

/** The lead may rename the project, hand it over, and change members, phase and stage. */
export async function projectForLead(db: Services['db'], teamId: string, actor: string, projectId: number) {
  const project = await findProject(db, teamId, projectId);
  if (!project) throw notFound('That project does not exist in this workspace.');
  const permission = canEditProject(actor, project);
  if (!permission.allowed) throw forbidden(permission.reason);
  return project;
}

export async function editProject(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  projectId: number,
  edit: ProjectEdit,
): Promise<Project> {
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('projects').select('id').where('id', '=', projectId).forUpdate().execute();
    const before = await projectForLead(trx, teamId, actor, projectId);
    const membersBefore = await projectMembers(trx, teamId, projectId);
    const project = await updateProject(trx, teamId, projectId, {
      name: edit.name,
      lead_user_id: edit.leadUserId,
      phase: edit.phase,
      stage: edit.stage,
      updated_at: at,
    });
    await setMembers(trx, teamId, project, edit.memberIds, at);
    const changes = [
      before.name !== project.name && `renamed from ${before.name}`,
      before.lead_user_id !== project.lead_user_id && 'new project lead',
      before.phase !== project.phase && `phase ${before.phase} → ${project.phase}`,
      before.stage !== project.stage && `stage ${before.stage} → ${project.stage}`,
    ].filter((c): c is string => typeof c === 'string');
    await appendLog(trx, {
      teamId,
      projectId,
      kind: 'project_edited',
      authorUserId: actor,
      text: `Project ${project.name} updated${changes.length ? `: ${changes.join('; ')}` : ''}.`,
      details: {
        lead: { before: before.lead_user_id, after: project.lead_user_id },
        members: { before: membersBefore, after: await projectMembers(trx, teamId, projectId) },
      },
      at,
    });
    return project;
  });
}
