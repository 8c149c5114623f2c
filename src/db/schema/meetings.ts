import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Id, Timestamp } from './types.js';

export type MeetingStatus = 'collecting' | 'decided' | 'cancelled';
/** How a decided meeting ended; "none yet" is not an end: the meeting reopens. */
export type MeetingOutcome = 'chosen' | 'stop';
export type ReplyMeaning = 'asked' | 'proposal' | 'discussion';
export type ProposalKind = 'formal' | 'informal';
/** A simple/standard option, or a state-of-the-art one. */
export type OptionKind = 'simple' | 'sota';

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
  /** Null only on rows from before the ritual existed; the app always sets it. */
  proposal_deadline: Timestamp | null;
  participants: ColumnType<string[], string[] | undefined, string[]>;
  /** The project's optimising metric, as the lead named it when calling the meeting. */
  metric: string | null;
  /** When proposals were closed (the deadline, or Close proposals now) and the pre-read posted. */
  closed_at: Timestamp | null;
  preread_ts: string | null;
  why_not: string | null;
  /** Bumped on each reschedule or cancellation: notices of an older change are moot. */
  revision: Generated<number>;
  cancelled_by: string | null;
  updated_at: CreatedAt;
  /** How a decided meeting ended: proposals chosen, or none (this line of work stops). */
  outcome: MeetingOutcome | null;
  /** Rounds of proposals after the first, each opened by a "none yet" decision. */
  round: Generated<number>;
}

export interface ProposalsTable {
  id: Id;
  team_id: string;
  meeting_id: number;
  author_user_id: string;
  approach: string;
  related_work: string | null;
  expected_gain: string | null;
  risks: string | null;
  /** Formal: the bot's reply in the thread. Informal: the person's own reply. */
  message_ts: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  kind: Generated<ProposalKind>;
  no_reading: Generated<boolean>;
  cost_days: number | null;
  option_kind: OptionKind | null;
  late: Generated<boolean>;
  withdrawn_at: Timestamp | null;
  chosen: boolean | null;
  not_chosen_reason: string | null;
  hypothesis_id: number | null;
  /** Informal only: asked whether it is a proposal, said it is one, or discussion. */
  meant: ReplyMeaning | null;
}

/** The calendar file a participant was last sent for a meeting, replaced when it moves. */
export interface MeetingCalendarFilesTable {
  team_id: string;
  meeting_id: number;
  user_id: string;
  file_id: string;
  /** The meeting's revision the file shows. */
  revision: number;
  created_at: CreatedAt;
}
