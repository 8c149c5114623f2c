import type { Generated } from 'kysely';
import type { CreatedAt, Id, Timestamp } from './types.js';

export type ReviewVerdict = 'pending' | 'approved' | 'changes_requested';

export interface DesignReviewsTable {
  id: Id;
  team_id: string;
  project_id: number;
  requested_by: string;
  /** 'YYYY-MM-DD', read in each person's own zone. */
  due_date: string;
  created_at: CreatedAt;
}

export interface DesignReviewReviewersTable {
  team_id: string;
  review_id: number;
  reviewer_user_id: string;
  verdict: Generated<ReviewVerdict>;
  answered_at: Timestamp | null;
}

export interface DesignReviewCommentsTable {
  id: Id;
  team_id: string;
  review_id: number;
  reviewer_user_id: string;
  section: string | null;
  text: string;
  revision_id: number | null;
  created_at: CreatedAt;
}
