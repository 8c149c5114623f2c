import { sql, type Kysely } from 'kysely';

/**
 * A channel's digest settings belong to its workspace like every other row: forgetting
 * the workspace deletes them, team-wide ones (no project to cascade from) included.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Team-wide settings that forget-workspace left behind before this: their workspace is gone.
  await sql`delete from digest_settings s
    where not exists (select 1 from workspaces w where w.team_id = s.team_id)`.execute(db);
  await db.schema
    .alterTable('digest_settings')
    .addForeignKeyConstraint('digest_settings_team_fk', ['team_id'], 'workspaces', ['team_id'])
    .onDelete('cascade')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('digest_settings')
    .dropConstraint('digest_settings_team_fk')
    .ifExists()
    .execute();
}
