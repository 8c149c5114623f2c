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

/** A person as users.list gives them: zone, name, deactivation and status at once. */
export interface ListedUser {
  userId: string;
  tz: string;
  realName: string | null;
  deleted: boolean;
  status: { emoji: string | null; text: string | null; expiration: Date | null };
}

/** One users.list page, cached in one statement: fresh zones and statuses for everyone on it. */
export async function saveListedUsers(db: Db, teamId: string, users: ListedUser[], at: Date): Promise<void> {
  if (users.length === 0) return;
  await db
    .insertInto('slack_users')
    .values(
      users.map((u) => ({
        team_id: teamId,
        user_id: u.userId,
        tz: u.tz,
        real_name: u.realName,
        deleted: u.deleted,
        fetched_at: at,
        status_emoji: u.status.emoji,
        status_text: u.status.text,
        status_expiration: u.status.expiration,
        status_fetched_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['team_id', 'user_id']).doUpdateSet((eb) => ({
        tz: eb.ref('excluded.tz'),
        real_name: eb.ref('excluded.real_name'),
        deleted: eb.ref('excluded.deleted'),
        fetched_at: eb.ref('excluded.fetched_at'),
        status_emoji: eb.ref('excluded.status_emoji'),
        status_text: eb.ref('excluded.status_text'),
        status_expiration: eb.ref('excluded.status_expiration'),
        status_fetched_at: eb.ref('excluded.status_fetched_at'),
      })),
    )
    .execute();
}

/** When the workspace's people were last listed, if ever. */
export async function directorySyncedAt(db: Db, teamId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('slack_directories')
    .select('synced_at')
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return row?.synced_at ?? null;
}

/**
 * Takes the right to list the workspace's people until `until`, unless another replica
 * holds it or has listed them since `staleBefore`: true when this replica is to list them.
 */
export async function claimDirectorySync(
  db: Db,
  teamId: string,
  r: { now: Date; until: Date; staleBefore: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('slack_directories')
    .values({ team_id: teamId, syncing_until: r.until })
    .onConflict((oc) =>
      oc
        .column('team_id')
        .doUpdateSet({ syncing_until: r.until })
        .where((eb) =>
          eb.and([
            eb.or([
              eb('slack_directories.syncing_until', 'is', null),
              eb('slack_directories.syncing_until', '<', r.now),
            ]),
            eb.or([
              eb('slack_directories.synced_at', 'is', null),
              eb('slack_directories.synced_at', '<', r.staleBefore),
            ]),
          ]),
        ),
    )
    .returning('team_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends this replica's listing: `syncedAt` when every page was saved, else left as it was. */
export async function finishDirectorySync(db: Db, teamId: string, syncedAt: Date | null): Promise<void> {
  await db
    .updateTable('slack_directories')
    .set(syncedAt ? { synced_at: syncedAt, syncing_until: null } : { syncing_until: null })
    .where('team_id', '=', teamId)
    .execute();
}
