import type { CreatedAt, Id } from './types.js';

export interface TimeEntriesTable {
  id: Id;
  team_id: string;
  project_id: number;
  hypothesis_id: number;
  user_id: string;
  activity: string;
  minutes: number;
  /** Where it was logged: the command, the Home tab, or the check-in form. */
  source: 'command' | 'home' | 'checkin';
  created_at: CreatedAt;
}
