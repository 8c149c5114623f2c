import type { Generated } from 'kysely';
import type { CreatedAt, Id, Timestamp } from './types.js';

export const HYPOTHESIS_STATUSES = [
  'proposed',
  'running',
  'validated',
  'disproven',
  'inconclusive',
  'abandoned',
] as const;
export type HypothesisStatus = (typeof HYPOTHESIS_STATUSES)[number];
export const OUTCOMES = ['validated', 'disproven', 'inconclusive'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface HypothesesTable {
  id: Id;
  team_id: string;
  project_id: number;
  number: number;
  statement: string;
  method: string | null;
  metric: string | null;
  baseline: string | null;
  success_criteria: string;
  timebox_days: number;
  next_on_failure: string | null;
  next_on_success: string | null;
  owner_user_id: string;
  status: HypothesisStatus;
  started_at: Timestamp | null;
  due_at: Timestamp | null;
  concluded_at: Timestamp | null;
  concluded_by: string | null;
  result: string | null;
  learnings: string | null;
  next_step: string | null;
  extension_count: Generated<number>;
  overdue_since: Timestamp | null;
  card_channel_id: string | null;
  card_ts: string | null;
  run_links: Generated<string[]>;
  dataset_version: string | null;
  random_seed: string | null;
  /** The metric's name in the tracker, when it differs from `metric`. */
  tracker_metric_key: string | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface HypothesisExtensionsTable {
  id: Id;
  team_id: string;
  hypothesis_id: number;
  extension_number: number;
  previous_due_at: Timestamp;
  new_due_at: Timestamp;
  reason: string;
  extended_by: string;
  created_at: CreatedAt;
}
