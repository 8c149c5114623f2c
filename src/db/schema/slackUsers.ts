import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './types.js';

type OptionalTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

/** What Labbook caches of a Slack user: enough to schedule in their own time zone. */
export interface SlackUsersTable {
  team_id: string;
  user_id: string;
  tz: Generated<string>;
  real_name: string | null;
  deleted: Generated<boolean>;
  fetched_at: CreatedAt;
  /** The Slack status last read (users.profile.get or a user_change event): away or not. */
  status_emoji: Generated<string | null>;
  status_text: Generated<string | null>;
  status_expiration: OptionalTimestamp;
  status_fetched_at: OptionalTimestamp;
  /** The person's own holiday region ("US-CA"); '' none; null the workspace's. */
  holidays: Generated<string | null>;
}

/** A person's away range: calendar dates in their own zone, both days away. */
export interface AwayPeriodsTable {
  team_id: string;
  user_id: string;
  starts_on: string;
  ends_on: string;
  set_by: string;
  created_at: CreatedAt;
}
