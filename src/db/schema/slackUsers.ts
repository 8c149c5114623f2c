import type { Generated } from 'kysely';
import type { CreatedAt } from './types.js';

/** What Labbook caches of a Slack user: enough to schedule in their own time zone. */
export interface SlackUsersTable {
  team_id: string;
  user_id: string;
  tz: Generated<string>;
  real_name: string | null;
  deleted: Generated<boolean>;
  fetched_at: CreatedAt;
}
