import { sql, type Kysely } from 'kysely';

/**
 * OAuth mode: one row per installation, keyed the way Bolt looks installations up — the
 * enterprise id for an org-wide install, the team id otherwise. Tokens are stored
 * encrypted (see src/tokenCipher.ts); nothing here is readable without the key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('installations')
    // The team id, or the enterprise id of an org-wide install.
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Null for an org-wide install, which covers every workspace of the enterprise.
    .addColumn('team_id', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('is_enterprise_install', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('app_id', 'text')
    .addColumn('bot_id', 'text')
    .addColumn('bot_user_id', 'text')
    .addColumn('bot_scopes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('bot_token', 'text')
    .addColumn('bot_refresh_token', 'text')
    .addColumn('bot_token_expires_at', 'bigint')
    .addColumn('installer_user_id', 'text', (c) => c.notNull())
    .addColumn('user_scopes', sql`text[]`)
    .addColumn('user_token', 'text')
    .addColumn('user_refresh_token', 'text')
    .addColumn('user_token_expires_at', 'bigint')
    // Whatever else Bolt's Installation carries (names, URLs, auth version), token-free.
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('installed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // OAuth state values already redeemed: a state is good for one install, on any replica.
  await db.schema
    .createTable('oauth_states_used')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Which enterprise a workspace belongs to, so an org-wide install serves its deliveries.
  await db.schema.alterTable('workspaces').addColumn('enterprise_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('workspaces').dropColumn('enterprise_id').execute();
  await db.schema.dropTable('oauth_states_used').ifExists().execute();
  await db.schema.dropTable('installations').ifExists().execute();
}
