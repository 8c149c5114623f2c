import type { Db } from './index.js';
import type { DesignReview, DesignReviewComment, DesignReviewer, ReviewVerdict } from './schema/index.js';

export interface ReviewWithPeople extends DesignReview {
  reviewers: DesignReviewer[];
  comments: DesignReviewComment[];
}

export async function insertReview(
  db: Db,
  r: {
    teamId: string;
    projectId: number;
    requestedBy: string;
    dueDate: string;
    reviewers: string[];
    at: Date;
  },
): Promise<DesignReview> {
  const review = await db
    .insertInto('design_reviews')
    .values({
      team_id: r.teamId,
      project_id: r.projectId,
      requested_by: r.requestedBy,
      due_date: r.dueDate,
      created_at: r.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('design_review_reviewers')
    .values(r.reviewers.map((u) => ({ team_id: r.teamId, review_id: review.id, reviewer_user_id: u })))
    .execute();
  return review;
}

async function withPeople(db: Db, review: DesignReview | undefined): Promise<ReviewWithPeople | undefined> {
  if (!review) return undefined;
  const [reviewers, comments] = await Promise.all([
    db
      .selectFrom('design_review_reviewers')
      .selectAll()
      .where('team_id', '=', review.team_id)
      .where('review_id', '=', review.id)
      .orderBy('reviewer_user_id')
      .execute(),
    db
      .selectFrom('design_review_comments')
      .selectAll()
      .where('team_id', '=', review.team_id)
      .where('review_id', '=', review.id)
      .orderBy('id')
      .execute(),
  ]);
  return { ...review, reviewers, comments };
}

/** The project's current review: the latest one requested (a new request replaces the last). */
export async function latestReview(
  db: Db,
  teamId: string,
  projectId: number,
): Promise<ReviewWithPeople | undefined> {
  const review = await db
    .selectFrom('design_reviews')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return withPeople(db, review);
}

export async function findReview(db: Db, teamId: string, id: number): Promise<ReviewWithPeople | undefined> {
  const review = await db
    .selectFrom('design_reviews')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
  return withPeople(db, review);
}

/** A reviewer's answer replaces their earlier one; comments come with it. */
export async function recordVerdict(
  db: Db,
  r: {
    teamId: string;
    reviewId: number;
    reviewer: string;
    verdict: Exclude<ReviewVerdict, 'pending'>;
    comments: { section: string | null; text: string; revisionId: number | null }[];
    at: Date;
  },
): Promise<void> {
  await db
    .updateTable('design_review_reviewers')
    .set({ verdict: r.verdict, answered_at: r.at })
    .where('team_id', '=', r.teamId)
    .where('review_id', '=', r.reviewId)
    .where('reviewer_user_id', '=', r.reviewer)
    .execute();
  if (r.comments.length === 0) return;
  await db
    .insertInto('design_review_comments')
    .values(
      r.comments.map((c) => ({
        team_id: r.teamId,
        review_id: r.reviewId,
        reviewer_user_id: r.reviewer,
        section: c.section,
        text: c.text,
        revision_id: c.revisionId,
        created_at: r.at,
      })),
    )
    .execute();
}

/** The latest review of each project, with its reviewers, in two queries: for digests of many projects. */
export async function latestReviewsOf(
  db: Db,
  teamId: string,
  projectIds: number[],
): Promise<Map<number, DesignReview & { reviewers: DesignReviewer[] }>> {
  const out = new Map<number, DesignReview & { reviewers: DesignReviewer[] }>();
  if (projectIds.length === 0) return out;
  const reviews = await db
    .selectFrom('design_reviews')
    .selectAll()
    .distinctOn('project_id')
    .where('team_id', '=', teamId)
    .where('project_id', 'in', projectIds)
    .orderBy('project_id')
    .orderBy('id', 'desc')
    .execute();
  if (reviews.length === 0) return out;
  const reviewers = await db
    .selectFrom('design_review_reviewers')
    .selectAll()
    .where('team_id', '=', teamId)
    .where(
      'review_id',
      'in',
      reviews.map((r) => r.id),
    )
    .execute();
  for (const r of reviews)
    out.set(r.project_id, { ...r, reviewers: reviewers.filter((x) => x.review_id === r.id) });
  return out;
}
