import type { Db } from './index.js';
import type { DesignDocRevision } from './schema/index.js';

/** The current text of every filled section: the latest revision of each. */
export async function currentDesignDoc(
  db: Db,
  teamId: string,
  projectId: number,
): Promise<DesignDocRevision[]> {
  return db
    .selectFrom('design_doc_revisions')
    .selectAll()
    .distinctOn('section')
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId)
    .orderBy('section')
    .orderBy('id', 'desc')
    .execute();
}

/** Every version of one section, newest first. */
export async function sectionHistory(
  db: Db,
  teamId: string,
  projectId: number,
  section: string,
  limit: number,
): Promise<DesignDocRevision[]> {
  return db
    .selectFrom('design_doc_revisions')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId)
    .where('section', '=', section)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function addRevision(
  db: Db,
  r: { teamId: string; projectId: number; section: string; content: string; authorUserId: string; at: Date },
): Promise<DesignDocRevision> {
  return db
    .insertInto('design_doc_revisions')
    .values({
      team_id: r.teamId,
      project_id: r.projectId,
      section: r.section,
      content: r.content,
      author_user_id: r.authorUserId,
      created_at: r.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
