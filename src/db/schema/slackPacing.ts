import type { ColumnType } from 'kysely';
import type { Timestamp } from './types.js';

type OptionalTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

/**
 * One rate-limited budget of a workspace, shared by every replica: `tat` is when its next
 * call would be due if calls went out exactly every `interval_ms`; a call may go
 * `tolerance_ms` earlier than that (the burst).
 */
export interface SlackRateBudgetsTable {
  team_id: string;
  /** A method (`users.list`), or `chat.postMessage#<channel>`. */
  bucket: string;
  tat: Timestamp;
  interval_ms: number;
  tolerance_ms: number;
}

/** When a workspace's people were last listed with users.list, and who is listing them now. */
export interface SlackDirectoriesTable {
  team_id: string;
  synced_at: OptionalTimestamp;
  syncing_until: OptionalTimestamp;
}
