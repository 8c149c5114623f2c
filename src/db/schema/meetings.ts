import type { Generated } from 'kysely';
import type { CreatedAt, Id, Timestamp } from './types.js';

export type MeetingStatus = 'collecting' | 'decided' | 'cancelled';

export interface DecisionMeetingsTable {
  id: Id;
  team_id: string;
  project_id: number;
  question: string;
  scheduled_at: Timestamp;
  channel_id: string;
  thread_ts: string | null;
  status: Generated<MeetingStatus>;
  decision: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
}

export interface ProposalsTable {
  id: Id;
  team_id: string;
  meeting_id: number;
  author_user_id: string;
  approach: string;
  related_work: string | null;
  expected_gain: string | null;
  cost: string | null;
  risks: string | null;
  message_ts: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}
