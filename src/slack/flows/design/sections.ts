import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { designSectionModal, editAllModal } from '../../../../blocks/designDoc.js';
import { escapeMrkdwn } from '../../../../blocks/text.js';
import { addRevision, sectionHistory } from '../../../db/designDocs.js';
import { appendLog } from '../../../db/experimentLog.js';
import type { Db } from '../../../db/index.js';
import { notFound } from '../../../rituals/errors.js';
import { DESIGN_SECTION_MAX, DESIGN_SECTIONS, designSection } from '../../../rituals/plan/designDoc.js';
import type { Services } from '../../../services.js';
import type { ViewSubmissionPayload } from '../../payloads.js';
import { tell, type Audience } from '../../tell.js';
import { errorsResponse, readSubmission, type FlowResult } from '../result.js';
import { docNow, editableProject } from './doc.js';

export const SectionRef = z.object({ projectId: z.number().int().positive(), section: z.string() });

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

const EMPTY = 'Write something, or press Cancel to keep the section as it is.';
const TOO_LONG = `Keep it under ${DESIGN_SECTION_MAX} characters; the appendix can link to more.`;
const sectionText = z
  .string({ error: EMPTY })
  .trim()
  .min(1, { error: EMPTY })
  .max(DESIGN_SECTION_MAX, { error: TOO_LONG });

const SectionForm = z.object({ content: sectionText });

/**
 * A new version of a section, and its line in the experiment log. A review comment on
 * the section counts as addressed from this version on (see isAddressed).
 */
async function saveSection(
  trx: Db,
  r: { teamId: string; projectId: number; section: string; content: string; actor: string; at: Date },
): Promise<void> {
  const section = designSection(r.section)!;
  await addRevision(trx, {
    teamId: r.teamId,
    projectId: r.projectId,
    section: section.key,
    content: r.content,
    authorUserId: r.actor,
    at: r.at,
  });
  await appendLog(trx, {
    teamId: r.teamId,
    projectId: r.projectId,
    kind: 'design_doc_edited',
    authorUserId: r.actor,
    text: `Design doc: ${section.title} edited.`,
    details: { section: section.key },
    at: r.at,
  });
}

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
  await services.db.transaction().execute((trx) =>
    saveSection(trx, {
      teamId,
      projectId: project.id,
      section: section.key,
      content: form.content,
      actor,
      at,
    }),
  );
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

const ProjectMeta = z.object({ projectId: z.number().int().positive(), channelId: z.string().optional() });

/** *Edit all sections*: one modal with every section, prefilled with its latest version. */
export async function openEditAll(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  projectId: number,
): Promise<void> {
  const project = await editableProject(services, to.teamId, to.userId, projectId);
  const { sections } = await docNow(services, project);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: editAllModal({
      projectName: project.name,
      sections,
      max: DESIGN_SECTION_MAX,
      privateMetadata: JSON.stringify({ projectId, channelId: to.channelId }),
    }),
  });
}

// Every section is optional here: an untouched empty section stays unwritten.
const EditAllForm = z.object(
  Object.fromEntries(
    DESIGN_SECTIONS.map((s) => [
      s.key,
      z.string().trim().max(DESIGN_SECTION_MAX, { error: TOO_LONG }).nullish(),
    ]),
  ),
);

/**
 * Saves each section whose text changed as its own version, in one transaction. A
 * written section cannot be emptied (its history would end in nothing): that input
 * gets an inline error.
 */
export async function submitEditAll(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: ProjectMeta,
    form: EditAllForm,
    what: 'the design doc',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const project = await editableProject(services, teamId, actor, meta.projectId);
  const { sections } = await docNow(services, project);
  const changed: { key: string; title: string; content: string }[] = [];
  const errors: Record<string, string> = {};
  for (const s of sections) {
    const typed = (form[s.key] as string | null | undefined) ?? '';
    if (typed === (s.content ?? '').trim()) continue;
    if (!typed) errors[s.key] = `${s.title} was written; write what replaces it (earlier versions are kept).`;
    else changed.push({ key: s.key, title: s.title, content: typed });
  }
  if (Object.keys(errors).length > 0) return errorsResponse(errors);
  const at = services.clock.now();
  await services.db.transaction().execute(async (trx) => {
    for (const c of changed)
      await saveSection(trx, {
        teamId,
        projectId: project.id,
        section: c.key,
        content: c.content,
        actor,
        at,
      });
  });
  const saved =
    changed.length === 0
      ? `Nothing changed in the design doc of ${escapeMrkdwn(project.name)}.`
      : `Saved ${changed.length === 1 ? '1 section' : `${changed.length} sections`} in the design doc of ${escapeMrkdwn(project.name)} (${changed.map((c) => c.title).join(', ')}). Earlier versions are kept.`;
  return { after: () => tell({ client, userId: actor, channelId: meta.channelId }, { text: saved }) };
}
