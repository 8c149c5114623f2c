import type { Generated } from 'kysely';
import type { CreatedAt } from './types.js';

/**
 * When a channel gets its weekly digest. A project channel without a row gets the
 * default (Friday 16:00 in the project lead's Slack zone); a row with no project is a
 * team-wide digest for that channel. `stopped_reason` is set when Slack refused the
 * channel for good (removed, archived), until someone sets the schedule again.
 */
export interface DigestSettingsTable {
  team_id: string;
  channel_id: string;
  project_id: number | null;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: Generated<number>;
  hour: Generated<number>;
  minute: Generated<number>;
  /** An IANA zone; null = the project lead's Slack zone. */
  tz: string | null;
  enabled: Generated<boolean>;
  stopped_reason: string | null;
  set_by: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** The chart file uploaded for a digest delivery, reused when the delivery is retried. */
export interface DigestChartsTable {
  delivery_id: number;
  team_id: string;
  file_id: string;
  created_at: CreatedAt;
}
