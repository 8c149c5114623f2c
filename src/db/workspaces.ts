import type { Db } from './index.js';
import type { Workspace } from './schema/index.js';

/** Creates the workspace row the first time Labbook hears from a team; never overwrites settings. */
export async function ensureWorkspace(
  db: Db,
  teamId: string,
  fields: { name?: string | null; botUserId?: string | null } = {},
): Promise<void> {
  await db
    .insertInto('workspaces')
    .values({ team_id: teamId, name: fields.name ?? null, bot_user_id: fields.botUserId ?? null })
    .onConflict((oc) =>
      fields.name || fields.botUserId
        ? oc.column('team_id').doUpdateSet((eb) => ({
            name: eb.fn.coalesce(eb.val(fields.name ?? null), 'workspaces.name'),
            bot_user_id: eb.fn.coalesce(eb.val(fields.botUserId ?? null), 'workspaces.bot_user_id'),
            updated_at: new Date(),
          }))
        : oc.column('team_id').doNothing(),
    )
    .execute();
}

export async function getWorkspace(db: Db, teamId: string): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('team_id', '=', teamId).executeTakeFirst();
}
