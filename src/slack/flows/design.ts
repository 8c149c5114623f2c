import { escapeMrkdwn } from '../../../blocks/text.js';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { designDocMessage, designSectionModal, type SectionView } from '../../../blocks/designDoc.js';
import { noProjectOffer } from '../../../blocks/project.js';
import { addRevision, currentDesignDoc, sectionHistory } from '../../db/designDocs.js';
import { appendLog, latestLog } from '../../db/experimentLog.js';
import { findProject, findProjectByChannel, isMember } from '../../db/projects.js';
import type { Project } from '../../db/schema/index.js';
import { forbidden, notFound } from '../../rituals/errors.js';
import {
  DESIGN_SECTION_MAX,
  DESIGN_SECTIONS,
  designDocMarkdown,
  mentionedIn,
  designSection,
  fileStem,
} from '../../rituals/plan/designDoc.js';
import { canEditDesignDoc } from '../../rituals/plan/permissions.js';
import type { Services } from '../../services.js';
import type { ViewSubmissionPayload } from '../payloads.js';
import { peopleNames } from '../people.js';
import { tell, type Audience } from '../tell.js';
import { readSubmission, type FlowResult } from './result.js';

export const SectionRef = z.object({ projectId: z.number().int().positive(), section: z.string() });

async function sectionsOf(services: Services, project: Project): Promise<SectionView[]> {
  const current = new Map(
    (await currentDesignDoc(services.db, project.team_id, project.id)).map((r) => [r.section, r]),
  );
  return DESIGN_SECTIONS.map((s) => {
    const rev = current.get(s.key);
    return rev
      ? { ...s, content: rev.content, author: rev.author_user_id, editedAt: rev.created_at }
      : { ...s };
  });
}

/** `/hypothesis design`: the channel project's design doc with a button per section. */
export async function showDesignDoc(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) {
    await tell(to, noProjectOffer(to.channelId));
    return;
  }
  await tell(
    to,
    designDocMessage({
      projectId: project.id,
      projectName: project.name,
      sections: await sectionsOf(services, project),
    }),
  );
}

async function editableProject(
  services: Services,
  teamId: string,
  actor: string,
  projectId: number,
): Promise<Project> {
  const project = await findProject(services.db, teamId, projectId);
  if (!project) throw notFound('That project does not exist in this workspace.');
  const permission = canEditDesignDoc(actor, project, await isMember(services.db, teamId, project.id, actor));
  if (!permission.allowed) throw forbidden(permission.reason);
  return project;
}

export async function openSectionEditor(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  ref: z.infer<typeof SectionRef>,
): Promise<void> {
  const section = designSection(ref.section);
  if (!section) throw notFound('That design-doc section does not exist (the message may be out of date).');
  const project = await editableProject(services, to.teamId, to.userId, ref.projectId);
  const history = await sectionHistory(services.db, to.teamId, project.id, section.key, 6);
  const [latest, ...earlier] = history;
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: designSectionModal({
      section: { ...section, ...(latest ? { content: latest.content } : {}) },
      projectName: project.name,
      max: DESIGN_SECTION_MAX,
      history: earlier.map((r) => ({ content: r.content, author: r.author_user_id, at: r.created_at })),
      privateMetadata: JSON.stringify({ ...ref, channelId: to.channelId }),
    }),
  });
}

/** A known section of a project, and where the edit came from. */
const SectionMeta = SectionRef.extend({ channelId: z.string().optional() }).refine(
  (ref) => designSection(ref.section) !== undefined,
);

const SectionForm = z.object({
  content: z
    .string({ error: 'Write something, or press Cancel to keep the section as it is.' })
    .trim()
    .min(1, { error: 'Write something, or press Cancel to keep the section as it is.' })
    .max(DESIGN_SECTION_MAX, {
      error: `Keep it under ${DESIGN_SECTION_MAX} characters; the appendix can link to more.`,
    }),
});

export async function submitSection(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: SectionMeta,
    form: SectionForm,
    what: 'the design doc',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta: ref, form } = read;
  const section = designSection(ref.section)!;
  const project = await editableProject(services, teamId, actor, ref.projectId);
  const at = services.clock.now();
  await services.db.transaction().execute(async (trx) => {
    await addRevision(trx, {
      teamId,
      projectId: project.id,
      section: section.key,
      content: form.content,
      authorUserId: actor,
      at,
    });
    await appendLog(trx, {
      teamId,
      projectId: project.id,
      kind: 'design_doc_edited',
      authorUserId: actor,
      text: `Design doc: ${section.title} edited.`,
      details: { section: section.key },
      at,
    });
  });
  return {
    after: () =>
      tell(
        { client, userId: actor, channelId: ref.channelId },
        {
          text: `Saved *${section.title}* in the design doc of ${escapeMrkdwn(project.name)}. Earlier versions are kept.`,
        },
      ),
  };
}

/** Uploads the design doc as a Markdown file to the project channel. */
export async function exportDesignDoc(
  services: Services,
  to: Audience & { teamId: string },
  projectId: number,
): Promise<void> {
  const project = await findProject(services.db, to.teamId, projectId);
  if (!project) throw notFound('That project does not exist in this workspace.');
  const [revisions, log] = await Promise.all([
    currentDesignDoc(services.db, to.teamId, project.id),
    latestLog(services.db, to.teamId, project.id, { limit: 500 }),
  ]);
  const people = [
    project.lead_user_id,
    ...revisions.map((r) => r.author_user_id),
    ...log.flatMap((e) => mentionedIn(e.text)),
  ];
  const names = await peopleNames(services, to.client, to.teamId, [...new Set(people)]);
  const markdown = designDocMarkdown(project, revisions, log, names);
  const filename = `${fileStem(project.name)}-design-doc.md`;
  try {
    await to.client.files.uploadV2({
      channel_id: project.channel_id,
      content: markdown,
      filename,
      title: `${project.name} — design doc`,
      initial_comment: `Design doc of *${escapeMrkdwn(project.name)}*, exported by <@${to.userId}>.`,
    });
  } catch (error) {
    services.logger.warn('design doc export failed', { projectId, error: String(error) });
    await tell(to, {
      text: `I could not upload the design doc to <#${project.channel_id}>. Invite me there with \`/invite @Labbook\` and try again.`,
    });
  }
}
