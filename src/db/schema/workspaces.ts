import type { Generated } from 'kysely';
import type { CreatedAt } from './types.js';

export interface WorkspacesTable {
  team_id: string;
  name: string | null;
  bot_user_id: string | null;
  /** The enterprise (Enterprise Grid org) the workspace belongs to, if any. */
  enterprise_id: Generated<string | null>;
  working_hours_start: Generated<number>;
  working_hours_end: Generated<number>;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  working_days: Generated<number[]>;
  /** The workspace's public holidays, a date-holidays region code ("DE-BY"); null none. */
  holidays: Generated<string | null>;
  /** Status emoji that mean away; null the default list. */
  away_emoji: Generated<string[] | null>;
  /** Reminders after the check-in before the lead hears, 0–2. */
  reminder_count: Generated<number>;
  digest_weekday: Generated<number>;
  digest_hour: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}
