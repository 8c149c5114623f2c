import type { Generated } from 'kysely';
import type { CreatedAt, Id } from './types.js';

export const PHASES = ['discover', 'define', 'develop', 'deliver', 'deployment'] as const;
export type Phase = (typeof PHASES)[number];
export const STAGES = ['crawl', 'walk', 'run'] as const;
export type Stage = (typeof STAGES)[number];

export interface ProjectsTable {
  id: Id;
  team_id: string;
  channel_id: string;
  name: string;
  lead_user_id: string;
  phase: Generated<Phase>;
  stage: Generated<Stage>;
  hypothesis_seq: Generated<number>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ProjectMembersTable {
  team_id: string;
  project_id: number;
  user_id: string;
  added_at: CreatedAt;
}
