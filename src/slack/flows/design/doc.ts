import { designDocMessage, type ReviewCommentView, type SectionView } from '../../../../blocks/designDoc.js';
import { reviewStateText } from '../../../../blocks/designReview.js';
import { noProjectOffer } from '../../../../blocks/project.js';
import { escapeMrkdwn } from '../../../../blocks/text.js';
import { currentDesignDoc } from '../../../db/designDocs.js';
import { latestReview, type ReviewWithPeople } from '../../../db/designReviews.js';
import { latestLog } from '../../../db/experimentLog.js';
import { findProject, findProjectByChannel, isMember } from '../../../db/projects.js';
import type { DesignReviewComment, Project } from '../../../db/schema/index.js';
import { isAddressed, reviewState, startedBeforeApproval } from '../../../rituals/designReview/review.js';
import { forbidden, notFound } from '../../../rituals/errors.js';
import {
  DESIGN_SECTIONS,
  designDocMarkdown,
  fileStem,
  mentionedIn,
} from '../../../rituals/plan/designDoc.js';
import { canEditDesignDoc } from '../../../rituals/plan/permissions.js';
import type { Services } from '../../../services.js';
import { peopleNames } from '../../people.js';
import { tell, type Audience } from '../../tell.js';

/** The doc as it stands: every section with its latest version, the review and its comments. */
export interface DocNow {
  sections: (SectionView & { revisionId?: number })[];
  review: ReviewWithPeople | undefined;
  overallComments: ReviewCommentView[];
}

export async function docNow(services: Services, project: Project): Promise<DocNow> {
  const [revisions, review] = await Promise.all([
    currentDesignDoc(services.db, project.team_id, project.id),
    latestReview(services.db, project.team_id, project.id),
  ]);
  const current = new Map(revisions.map((r) => [r.section, r]));
  const view = (c: DesignReviewComment): ReviewCommentView => ({
    reviewer: c.reviewer_user_id,
    text: c.text,
    at: c.created_at,
    addressed: isAddressed(c, c.section === null ? undefined : current.get(c.section)?.id),
  });
  const comments = review?.comments ?? [];
  const sections = DESIGN_SECTIONS.map((s) => {
    const rev = current.get(s.key);
    const onSection = comments.filter((c) => c.section === s.key).map(view);
    return {
      ...s,
      ...(rev
        ? { content: rev.content, author: rev.author_user_id, editedAt: rev.created_at, revisionId: rev.id }
        : {}),
      ...(onSection.length ? { comments: onSection } : {}),
    };
  });
  return { sections, review, overallComments: comments.filter((c) => c.section === null).map(view) };
}

export async function docMessage(services: Services, project: Project) {
  const doc = await docNow(services, project);
  return designDocMessage({
    projectId: project.id,
    projectName: project.name,
    sections: doc.sections,
    reviewState: reviewStateText(reviewState(doc.review)),
    overallComments: doc.overallComments,
  });
}

/** `/hypothesis design`: the channel project's design doc with a button per section. */
export async function showDesignDoc(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) {
    await tell(to, noProjectOffer(to.channelId, 'design'));
    return;
  }
  await tell(to, await docMessage(services, project));
}

/** *Open the doc* from a review DM: the doc, privately, wherever the button was. */
export async function openDoc(services: Services, to: Audience & { teamId: string }, projectId: number) {
  await tell(to, await docMessage(services, await existingProject(services, to.teamId, projectId)));
}

export async function existingProject(
  services: Services,
  teamId: string,
  projectId: number,
): Promise<Project> {
  const project = await findProject(services.db, teamId, projectId);
  if (!project) throw notFound('That project does not exist in this workspace.');
  return project;
}

/** The project, if this person may write its design doc (the lead or a member). */
export async function editableProject(
  services: Services,
  teamId: string,
  actor: string,
  projectId: number,
): Promise<Project> {
  const project = await existingProject(services, teamId, projectId);
  const permission = canEditDesignDoc(actor, project, await isMember(services.db, teamId, project.id, actor));
  if (!permission.allowed) throw forbidden(permission.reason);
  return project;
}

/** Uploads the design doc as a Markdown file to the project channel. */
export async function exportDesignDoc(
  services: Services,
  to: Audience & { teamId: string },
  projectId: number,
): Promise<void> {
  const project = await existingProject(services, to.teamId, projectId);
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
    await tell(to, { text: notInChannel(project, 'upload the design doc to') });
  }
}

export const notInChannel = (project: Project, what: string) =>
  `I could not ${what} <#${project.channel_id}>. Invite me there with \`/invite @Labbook\` and try again.`;

/**
 * The note on a hypothesis card when it started before the design doc was approved: a
 * word, not a refusal; the practice asks for review first, the team may have reasons.
 */
export async function designNote(
  services: Services,
  h: { team_id: string; project_id: number; started_at: Date | null },
): Promise<string | undefined> {
  const state = reviewState(await latestReview(services.db, h.team_id, h.project_id));
  if (!startedBeforeApproval(state, h.started_at)) return undefined;
  return `:memo: Started before the design doc was approved (${reviewStateText(state)}). The review may still change the plan it rests on; \`/hypothesis design\` shows where it stands.`;
}
