import { scheduleDelivery } from '../../db/deliveries.js';
import { insertReview } from '../../db/designReviews.js';
import type { Db } from '../../db/index.js';
import type { DesignReview, Project } from '../../db/schema/index.js';
import { earliestStartOf, nextDate, reviewDeliveryKey } from './review.js';

/**
 * A review, and its scheduled messages in the same transaction: each reviewer's ask (in
 * their working hours), a reminder due on the date, and one word to the lead the day
 * after it. Each is planned again when due, so answered or replaced reviews send nothing.
 */
export async function requestReview(
  trx: Db,
  r: { project: Project; actor: string; reviewers: string[]; dueDate: string; at: Date },
): Promise<DesignReview> {
  const { project, at } = r;
  const review = await insertReview(trx, {
    teamId: project.team_id,
    projectId: project.id,
    requestedBy: r.actor,
    dueDate: r.dueDate,
    reviewers: r.reviewers,
    at,
  });
  const common = { teamId: project.team_id, projectId: project.id, at };
  for (const reviewer of r.reviewers) {
    await scheduleDelivery(trx, {
      ...common,
      kind: 'design_review_request',
      dedupeKey: reviewDeliveryKey('design_review_request', review.id, reviewer),
      recipientId: reviewer,
      dueAt: at,
    });
    await scheduleDelivery(trx, {
      ...common,
      kind: 'design_review_reminder',
      dedupeKey: reviewDeliveryKey('design_review_reminder', review.id, reviewer),
      recipientId: reviewer,
      dueAt: earliestStartOf(r.dueDate),
    });
  }
  await scheduleDelivery(trx, {
    ...common,
    kind: 'design_review_stalled',
    dedupeKey: reviewDeliveryKey('design_review_stalled', review.id, project.lead_user_id),
    recipientId: project.lead_user_id,
    dueAt: earliestStartOf(nextDate(r.dueDate)),
  });
  return review;
}
