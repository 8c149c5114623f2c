import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { requestChangesModal, requestReviewModal, reviewStateText } from '../../../../blocks/designReview.js';
import { escapeMrkdwn } from '../../../../blocks/text.js';
import { findReview, latestReview, recordVerdict, type ReviewWithPeople } from '../../../db/designReviews.js';
import { requestReview } from '../../../rituals/designReview/requests.js';
import { canAnswerReview, reviewState } from '../../../rituals/designReview/review.js';
import { conflict, forbidden, notFound } from '../../../rituals/errors.js';
import { DESIGN_SECTION_MAX } from '../../../rituals/plan/designDoc.js';
import type { Services } from '../../../services.js';
import { inZone, localDate } from '../../../time.js';
import type { ViewSubmissionPayload } from '../../payloads.js';
import { userZone } from '../../people.js';
import { tell, type Audience } from '../../tell.js';
import { errorsResponse, readSubmission, type FlowResult } from '../result.js';
import { docNow, editableProject, existingProject } from './doc.js';

const ProjectMeta = z.object({ projectId: z.number().int().positive(), channelId: z.string().optional() });
const ReviewMeta = z.object({ reviewId: z.number().int().positive() });

/** *Request review*: the lead or a member picks reviewers and a date. */
export async function openRequestReview(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  projectId: number,
): Promise<void> {
  const project = await editableProject(services, to.teamId, to.userId, projectId);
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: requestReviewModal({
      projectName: project.name,
      // Two days to read by default; the requester picks the real date.
      initialDate: inZone(services.clock.now(), tz).add(2, 'day').format('YYYY-MM-DD'),
      privateMetadata: JSON.stringify({ projectId, channelId: to.channelId }),
    }),
  });
}

const RequestForm = z.object({
  reviewers: z
    .array(z.string(), { error: 'Pick at least one reviewer.' })
    .min(1, { error: 'Pick at least one reviewer.' })
    .max(10, { error: 'Ten reviewers at most; a review with more rarely ends.' }),
  dueDate: z.string({ error: 'Pick the date the review is due.' }).regex(/^\d{4}-\d{2}-\d{2}$/),
});

export async function submitRequestReview(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: ProjectMeta,
    form: RequestForm,
    what: 'Request review',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const project = await editableProject(services, teamId, actor, meta.projectId);
  const now = services.clock.now();
  const today = localDate(now, await userZone(services, client, teamId, actor));
  if (form.dueDate < today) return errorsResponse({ dueDate: 'Pick today or a later day.' });
  await services.db
    .transaction()
    .execute((trx) =>
      requestReview(trx, { project, actor, reviewers: form.reviewers, dueDate: form.dueDate, at: now }),
    );
  const n = form.reviewers.length;
  return {
    after: () =>
      tell(
        { client, userId: actor, channelId: meta.channelId },
        {
          text: `Review of the design doc of ${escapeMrkdwn(project.name)} requested from ${form.reviewers.map((u) => `<@${u}>`).join(', ')}. ${n === 1 ? 'The reviewer gets' : `The ${n} reviewers get`} it in a DM during their working hours.`,
        },
      ),
  };
}

/** The review a button names, if it is still the project's current one and this person reviews it. */
async function answerableReview(services: Services, teamId: string, actor: string, reviewId: number) {
  const review = await findReview(services.db, teamId, reviewId);
  if (!review) throw notFound('That design review no longer exists.');
  const latest = await latestReview(services.db, teamId, review.project_id);
  if (latest?.id !== review.id)
    throw conflict(
      'A newer review of this design doc was requested since; answer that one (it is in your DMs).',
    );
  const permission = canAnswerReview(actor, review);
  if (!permission.allowed) throw forbidden(permission.reason);
  const project = await existingProject(services, teamId, review.project_id);
  return { review, project };
}

/** Tells whoever asked for the review what a reviewer answered, and where the doc stands. */
async function tellRequester(
  client: WebClient,
  review: ReviewWithPeople,
  projectName: string,
  what: string,
  services: Services,
): Promise<void> {
  const updated = (await findReview(services.db, review.team_id, review.id))!;
  await tell(
    { client, userId: review.requested_by },
    {
      text: `${what} the design doc of ${escapeMrkdwn(projectName)}. ${reviewStateText(reviewState(updated))}. \`/hypothesis design\` in its channel shows the doc with every comment.`,
    },
  );
}

export async function approve(services: Services, to: Audience & { teamId: string }, reviewId: number) {
  const { review, project } = await answerableReview(services, to.teamId, to.userId, reviewId);
  // A second press changes nothing and tells nobody again.
  if (review.reviewers.find((r) => r.reviewer_user_id === to.userId)?.verdict === 'approved') {
    await tell(to, { text: `You have already approved the design doc of ${escapeMrkdwn(project.name)}.` });
    return;
  }
  await recordVerdict(services.db, {
    teamId: to.teamId,
    reviewId,
    reviewer: to.userId,
    verdict: 'approved',
    comments: [],
    at: services.clock.now(),
  });
  await tell(to, { text: `You approved the design doc of ${escapeMrkdwn(project.name)}.` });
  await tellRequester(to.client, review, project.name, `<@${to.userId}> approved`, services);
}

export async function openRequestChanges(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  reviewId: number,
): Promise<void> {
  const { project } = await answerableReview(services, to.teamId, to.userId, reviewId);
  const { sections } = await docNow(services, project);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: requestChangesModal({
      projectName: project.name,
      sections,
      max: DESIGN_SECTION_MAX,
      privateMetadata: JSON.stringify({ reviewId }),
    }),
  });
}

const comment = z.string().trim().max(DESIGN_SECTION_MAX).nullish();
const ChangesForm = z.record(z.string(), comment);

export async function submitRequestChanges(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: ReviewMeta,
    form: ChangesForm,
    what: 'Request changes',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const { review, project } = await answerableReview(services, teamId, actor, meta.reviewId);
  const { sections } = await docNow(services, project);
  const comments = [
    ...(form.overall ? [{ section: null, text: form.overall, revisionId: null }] : []),
    ...sections.flatMap((s) => {
      const text = form[`section.${s.key}`];
      return text ? [{ section: s.key, text, revisionId: s.revisionId ?? null }] : [];
    }),
  ];
  if (comments.length === 0)
    return errorsResponse({
      overall: 'Write at least one comment, here or on a section, so the author knows what to change.',
    });
  await recordVerdict(services.db, {
    teamId,
    reviewId: review.id,
    reviewer: actor,
    verdict: 'changes_requested',
    comments,
    at: services.clock.now(),
  });
  const on = comments.map((c) => sections.find((s) => s.key === c.section)?.title ?? 'the doc as a whole');
  return {
    after: async () => {
      await tell(
        { client, userId: actor },
        { text: `Changes requested on the design doc of ${escapeMrkdwn(project.name)}.` },
      );
      await tellRequester(
        client,
        review,
        project.name,
        `<@${actor}> requested changes (${on.join(', ')}) to`,
        services,
      );
    },
  };
}
