import type { ColumnType } from 'kysely';
import type { CreatedAt, Id } from './types.js';

export const LOG_KINDS = [
  'project_created',
  'project_edited',
  'hypothesis_created',
  'hypothesis_edited',
  'hypothesis_started',
  'hypothesis_concluded',
  'hypothesis_extended',
  'hypothesis_abandoned',
  'design_doc_edited',
  'decision',
  'note',
  'time_spent',
] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export interface ExperimentLogEntriesTable {
  id: Id;
  team_id: string;
  project_id: number;
  hypothesis_id: number | null;
  meeting_id: number | null;
  kind: LogKind;
  author_user_id: string;
  text: string;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  permalink: string | null;
  created_at: CreatedAt;
}
