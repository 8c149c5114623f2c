import type { CreatedAt, Id } from './types.js';

export interface DesignDocRevisionsTable {
  id: Id;
  team_id: string;
  project_id: number;
  section: string;
  content: string;
  author_user_id: string;
  created_at: CreatedAt;
}
