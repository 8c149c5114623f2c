import dayjs from 'dayjs';
import type { DesignReviewComment, DesignReviewer } from '../../db/schema/index.js';
import { safeZone } from '../../time.js';
import type { Permission } from '../plan/permissions.js';

/** The scheduled messages of a design review: the ask, one reminder each, one word to the lead. */
export const REVIEW_KINDS = [
  'design_review_request',
  'design_review_reminder',
  'design_review_stalled',
] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** Deliveries carry the review and the person in their key; nothing else in the row names a review. */
export const reviewDeliveryKey = (kind: ReviewKind, reviewId: number, userId: string) =>
  `${kind}:${reviewId}:${userId}`;
export const reviewIdOfKey = (key: string): number => Number(key.split(':')[1]);

export type ReviewState =
  | { kind: 'draft' }
  | { kind: 'in_review'; approvals: number; of: number; dueDate: string }
  | { kind: 'approved'; at: Date; by: string[] }
  | { kind: 'changes_requested'; by: string[]; approvals: number; of: number };

/**
 * Where the doc stands: no review yet is a draft; one reviewer asking for changes holds
 * it there until they approve; approved needs every reviewer, and dates from the last.
 */
export function reviewState(
  review:
    | { due_date: string; reviewers: Pick<DesignReviewer, 'reviewer_user_id' | 'verdict' | 'answered_at'>[] }
    | undefined,
): ReviewState {
  if (!review || review.reviewers.length === 0) return { kind: 'draft' };
  const { reviewers } = review;
  const approved = reviewers.filter((r) => r.verdict === 'approved');
  const changes = reviewers.filter((r) => r.verdict === 'changes_requested');
  if (changes.length > 0)
    return {
      kind: 'changes_requested',
      by: changes.map((r) => r.reviewer_user_id),
      approvals: approved.length,
      of: reviewers.length,
    };
  if (approved.length === reviewers.length) {
    const at = new Date(Math.max(...approved.map((r) => r.answered_at!.getTime())));
    return { kind: 'approved', at, by: approved.map((r) => r.reviewer_user_id) };
  }
  return { kind: 'in_review', approvals: approved.length, of: reviewers.length, dueDate: review.due_date };
}

/**
 * A hypothesis started before its design doc was approved (or with no review at all) is
 * allowed, but worth a gentle word on its card: the plan it rests on may still change.
 */
export function startedBeforeApproval(state: ReviewState, startedAt: Date | null): boolean {
  if (!startedAt) return false;
  return state.kind !== 'approved' || state.at.getTime() > startedAt.getTime();
}

/**
 * A comment is addressed once its section has a version newer than the one it was
 * written against; a comment on the whole doc stays open until the next review.
 */
export function isAddressed(
  comment: Pick<DesignReviewComment, 'section' | 'revision_id'>,
  latestRevisionId: number | undefined,
): boolean {
  if (comment.section === null || latestRevisionId === undefined) return false;
  return comment.revision_id === null || latestRevisionId > comment.revision_id;
}

export function canAnswerReview(
  actor: string,
  review: { reviewers: Pick<DesignReviewer, 'reviewer_user_id'>[] },
): Permission {
  if (review.reviewers.some((r) => r.reviewer_user_id === actor)) return { allowed: true };
  const names = review.reviewers.map((r) => `<@${r.reviewer_user_id}>`).join(', ');
  return {
    allowed: false,
    reason: `Only the reviewers of this design review (${names}) can approve it or request changes.`,
  };
}

/** Local midnight starting `date` in `tz`. */
export function startOfLocalDay(date: string, tz: string): Date {
  return dayjs.tz(`${date} 00:00`, safeZone(tz)).toDate();
}

export const nextDate = (date: string): string => dayjs.utc(date).add(1, 'day').format('YYYY-MM-DD');

/**
 * The earliest instant `date` begins anywhere on Earth (UTC+14): a delivery about that
 * date is due then and waits, once claimed, for the date to begin in its recipient's zone.
 */
export const earliestStartOf = (date: string): Date => new Date(`${date}T00:00:00+14:00`);
