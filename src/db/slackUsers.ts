import type { Db } from './index.js';
import type { SlackUser } from './schema/index.js';

export async function cachedUser(db: Db, teamId: string, userId: string): Promise<SlackUser | undefined> {
  return db
    .selectFrom('slack_users')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function saveUser(
  db: Db,
  u: { teamId: string; userId: string; tz: string; realName: string | null; deleted: boolean; at: Date },
): Promise<void> {
  const values = { tz: u.tz, real_name: u.realName, deleted: u.deleted, fetched_at: u.at };
  await db
    .insertInto('slack_users')
    .values({ team_id: u.teamId, user_id: u.userId, ...values })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet(values))
    .execute();
}

export async function cachedUsers(db: Db, teamId: string, userIds: string[]): Promise<SlackUser[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('slack_users')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('user_id', 'in', userIds)
    .execute();
}
