import { reviewAskMessages, reviewStalledMessage } from '../../../blocks/designReview.js';
import { findReview, latestReview } from '../../db/designReviews.js';
import { findProject } from '../../db/projects.js';
import type { Delivery } from '../../db/schema/index.js';
import type { DeliveryContext, DeliveryPlan, DeliveryRitual } from '../../scheduler/rituals.js';
import { addWorkingHours, nextWorkingMoment } from '../checkins/workingHours.js';
import { DESIGN_SECTIONS } from '../plan/designDoc.js';
import { recipientTime } from '../workingTime.js';
import { currentDesignDoc } from '../../db/designDocs.js';
import { nextDate, REVIEW_KINDS, reviewIdOfKey, reviewState, startOfLocalDay } from './review.js';

/** The design review's deliveries: the ask, one reminder on the date, the stall notice. */
export const designReviewDeliveries: DeliveryRitual = {
  kinds: REVIEW_KINDS,
  plan: planReviewDelivery,
};

/** A review due the day it is asked gets no reminder hard on the heels of the ask. */
const REMINDER_AFTER_ASK_HOURS = 4;

async function planReviewDelivery({ services, client }: DeliveryContext, d: Delivery): Promise<DeliveryPlan> {
  const { db, clock } = services;
  const review = await findReview(db, d.team_id, reviewIdOfKey(d.dedupe_key));
  const project = review && (await findProject(db, d.team_id, review.project_id));
  if (!review || !project) return { type: 'cancel', why: 'review gone' };
  const latest = await latestReview(db, d.team_id, project.id);
  if (latest?.id !== review.id) return { type: 'cancel', why: 'a newer review replaced it' };
  const state = reviewState(review);
  if (state.kind === 'approved') return { type: 'cancel', why: 'approved' };
  const now = clock.now();
  const time = await recipientTime(services, client, d.team_id, d.recipient_id, now);
  // The reminder waits for the date to begin where the reviewer is; the stall notice for
  // the day after it, where the lead is.
  const date = d.kind === 'design_review_stalled' ? nextDate(review.due_date) : review.due_date;
  const notBefore =
    d.kind === 'design_review_request'
      ? now
      : nextWorkingMoment(startOfLocalDay(date, time.tz), time.tz, time.hours);
  const sendAt = notBefore > time.sendAt ? notBefore : time.sendAt;
  if (sendAt > now) return { type: 'later', when: sendAt };

  const waiting = review.reviewers.filter((r) => r.verdict === 'pending').map((r) => r.reviewer_user_id);
  if (d.kind === 'design_review_stalled') {
    if (waiting.length === 0) return { type: 'cancel', why: 'every reviewer answered' };
    return {
      type: 'send',
      recipientId: project.lead_user_id,
      message: reviewStalledMessage({
        projectName: project.name,
        dueDate: review.due_date,
        waitingFor: waiting,
        state,
      }),
    };
  }
  if (!waiting.includes(d.recipient_id)) return { type: 'cancel', why: 'already answered' };
  const reminder = d.kind === 'design_review_reminder';
  if (reminder && addWorkingHours(review.created_at, REMINDER_AFTER_ASK_HOURS, time.tz, time.hours) > now)
    return { type: 'cancel', why: 'asked too recently for a reminder' };
  const current = new Map(
    (await currentDesignDoc(db, d.team_id, project.id)).map((r) => [r.section, r.content]),
  );
  const { first, rest } = reviewAskMessages({
    reviewId: review.id,
    projectId: project.id,
    projectName: project.name,
    requestedBy: review.requested_by,
    dueDate: review.due_date,
    sections: DESIGN_SECTIONS.map((s) => ({
      ...s,
      ...(current.has(s.key) ? { content: current.get(s.key)! } : {}),
    })),
    reminder,
  });
  return { type: 'send', recipientId: d.recipient_id, message: first, thread: rest };
}
