import type { Db } from './index.js';
import type { Phase, Project } from './schema/index.js';

export interface NewProject {
  teamId: string;
  channelId: string;
  name: string;
  leadUserId: string;
  memberIds: string[];
  phase: Phase;
  createdBy: string;
  at: Date;
}

export async function findProjectByChannel(
  db: Db,
  teamId: string,
  channelId: string,
): Promise<Project | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
}

export async function findProject(db: Db, teamId: string, projectId: number): Promise<Project | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', projectId)
    .executeTakeFirst();
}

/** Inserts the project and its members; the lead is always a member. */
export async function insertProject(db: Db, p: NewProject): Promise<Project> {
  const project = await db
    .insertInto('projects')
    .values({
      team_id: p.teamId,
      channel_id: p.channelId,
      name: p.name,
      lead_user_id: p.leadUserId,
      phase: p.phase,
      created_by: p.createdBy,
      created_at: p.at,
      updated_at: p.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const members = [...new Set([p.leadUserId, ...p.memberIds])];
  await db
    .insertInto('project_members')
    .values(
      members.map((user_id) => ({ team_id: p.teamId, project_id: project.id, user_id, added_at: p.at })),
    )
    .execute();
  return project;
}

export async function projectMembers(db: Db, teamId: string, projectId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('project_members')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId)
    .orderBy('added_at')
    .execute();
  return rows.map((r) => r.user_id);
}

export async function isMember(db: Db, teamId: string, projectId: number, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('project_members')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Projects a person leads or belongs to, most recent first. */
export async function projectsOfUser(db: Db, teamId: string, userId: string, limit = 50): Promise<Project[]> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('team_id', '=', teamId)
    .where((eb) =>
      eb.or([
        eb('lead_user_id', '=', userId),
        eb(
          'id',
          'in',
          eb
            .selectFrom('project_members')
            .select('project_id')
            .where('team_id', '=', teamId)
            .where('user_id', '=', userId),
        ),
      ]),
    )
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The workspace's projects for a picker, most recent first. */
export async function listProjects(db: Db, teamId: string, limit: number): Promise<Project[]> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('team_id', '=', teamId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function updateProject(
  db: Db,
  teamId: string,
  id: number,
  patch: Pick<Project, 'name' | 'lead_user_id' | 'phase' | 'stage'> & { updated_at: Date },
): Promise<Project> {
  return db
    .updateTable('projects')
    .set(patch)
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Replaces the member list; the lead is always a member. */
export async function setMembers(
  db: Db,
  teamId: string,
  project: Pick<Project, 'id' | 'lead_user_id'>,
  memberIds: string[],
  at: Date,
): Promise<void> {
  const members = [...new Set([project.lead_user_id, ...memberIds])];
  await db
    .deleteFrom('project_members')
    .where('team_id', '=', teamId)
    .where('project_id', '=', project.id)
    .where('user_id', 'not in', members)
    .execute();
  await db
    .insertInto('project_members')
    .values(members.map((user_id) => ({ team_id: teamId, project_id: project.id, user_id, added_at: at })))
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
    .execute();
}
