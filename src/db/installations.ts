import type { Installation, InstallationStore } from '@slack/bolt';
import { sql } from 'kysely';
import type { Logger } from '../logger.js';
import { UndecryptableTokenError, type TokenCipher } from '../tokenCipher.js';
import type { Db } from './index.js';
import type { InstallationRow } from './schema/index.js';
import { ensureWorkspace } from './workspaces.js';

/** Bolt's key for an installation: the enterprise id if org-wide, else the team id. */
export function installationKey(q: {
  isEnterpriseInstall?: boolean | undefined;
  enterpriseId?: string | undefined;
  teamId?: string | undefined;
}): string {
  const key = q.isEnterpriseInstall ? q.enterpriseId : q.teamId;
  if (!key)
    throw new Error('an installation query needs a team id, or an enterprise id for an org-wide install');
  return key;
}

/**
 * Installations in PostgreSQL, as Bolt's InstallationStore. Bolt keys an installation by
 * the enterprise id for an org-wide install and by the team id otherwise; so do we. Tokens
 * are encrypted on the way in and decrypted on the way out; a token still under the
 * previous key is written again under the current one the first time it is read.
 */
export function createInstallationStore(
  db: Db,
  cipher: TokenCipher,
  logger: Logger,
): Required<InstallationStore> {
  return {
    async storeInstallation(installation) {
      const row = toRow(installation, cipher);
      // A reinstall replaces the row; its new updated_at tells cached clients they are stale.
      const now = new Date();
      await db
        .insertInto('installations')
        .values({ ...row, installed_at: now, updated_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...row, installed_at: now, updated_at: now }))
        .execute();
      if (row.team_id)
        await ensureWorkspace(db, row.team_id, {
          name: installation.team?.name ?? null,
          botUserId: row.bot_user_id,
          enterpriseId: row.enterprise_id,
        });
      logger.info('Labbook installed', {
        installation: row.id,
        teamId: row.team_id,
        enterpriseId: row.enterprise_id,
        installer: row.installer_user_id,
      });
    },
    async fetchInstallation(query) {
      const key = installationKey(query);
      const row = await db.selectFrom('installations').selectAll().where('id', '=', key).executeTakeFirst();
      if (!row) throw new NotInstalledError(key);
      return readInstallation(db, cipher, row, logger);
    },
    async deleteInstallation(query) {
      await removeInstallation(db, installationKey(query));
    },
  };
}

export class NotInstalledError extends Error {
  constructor(readonly key: string) {
    super(`Labbook is not installed in ${key}`);
    this.name = 'NotInstalledError';
  }
}

/**
 * The installation that serves a workspace: its own, or its enterprise's org-wide one.
 * Undefined when Labbook is not installed there (any more).
 */
export async function installationForTeam(
  db: Db,
  cipher: TokenCipher,
  teamId: string,
  logger: Logger,
): Promise<Installation | undefined> {
  const row = await servingTeam(db, teamId).selectAll().executeTakeFirst();
  return row ? readInstallation(db, cipher, row, logger) : undefined;
}

/**
 * Which installation serves the team and when it was last (re)installed, without reading
 * any token: a cheap check that a cached client is still the right one.
 */
export async function installationVersion(db: Db, teamId: string): Promise<string | undefined> {
  const row = await servingTeam(db, teamId)
    .select(['id', 'updated_at'])
    .where('bot_token', 'is not', null)
    .executeTakeFirst();
  return row ? `${row.id}@${row.updated_at.toISOString()}` : undefined;
}

/**
 * SQL condition for a query over teams: an installation with a bot token serves the team
 * in column `teamIdColumn` (its own, or its enterprise's org-wide one), as servingTeam
 * finds it. For OAuth mode only: single-workspace mode has no installation rows.
 */
export const servedByInstallation = (teamIdColumn: string) =>
  sql<boolean>`exists (select 1 from installations i where i.bot_token is not null and (i.id = ${sql.ref(teamIdColumn)}
    or i.id = (select w.enterprise_id from workspaces w where w.team_id = ${sql.ref(teamIdColumn)})))`;

/** The workspace's own installation first, else its enterprise's org-wide one. */
function servingTeam(db: Db, teamId: string) {
  return db
    .selectFrom('installations')
    .where((eb) =>
      eb.or([
        eb('id', '=', teamId),
        eb('id', '=', eb.selectFrom('workspaces').select('enterprise_id').where('team_id', '=', teamId)),
      ]),
    )
    .orderBy((eb) => eb.case().when('id', '=', teamId).then(0).else(1).end())
    .limit(1);
}

export async function removeInstallation(db: Db, key: string): Promise<boolean> {
  const result = await db.deleteFrom('installations').where('id', '=', key).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** tokens_revoked for people only: their user tokens go, the bot's installation stays. */
export async function removeUserTokens(db: Db, key: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .updateTable('installations')
    .set({ user_token: null, user_refresh_token: null, user_token_expires_at: null, updated_at: new Date() })
    .where('id', '=', key)
    .where('installer_user_id', 'in', userIds)
    .execute();
}

/**
 * After a key rotation: writes every token still under the previous key again under the
 * current one, so the previous key can be dropped. Rows no configured key can read are
 * reported, not touched.
 */
export async function reencryptInstallations(
  db: Db,
  cipher: TokenCipher,
): Promise<{ total: number; reencrypted: number; unreadable: string[] }> {
  const rows = await db.selectFrom('installations').selectAll().execute();
  const report = { total: rows.length, reencrypted: 0, unreadable: [] as string[] };
  for (const row of rows) {
    try {
      if (await reencryptIfStale(db, cipher, row)) report.reencrypted++;
    } catch (error) {
      if (!(error instanceof UndecryptableTokenError)) throw error;
      report.unreadable.push(row.id);
    }
  }
  return report;
}

// --- rows <-> Bolt's Installation -------------------------------------------------------

const TOKEN_COLUMNS = ['bot_token', 'bot_refresh_token', 'user_token', 'user_refresh_token'] as const;
type TokenColumn = (typeof TOKEN_COLUMNS)[number];

function toRow(i: Installation, cipher: TokenCipher) {
  const enc = (token: string | undefined) => (token ? cipher.encrypt(token) : null);
  const isEnterpriseInstall = i.isEnterpriseInstall === true;
  return {
    id: installationKey({ isEnterpriseInstall, enterpriseId: i.enterprise?.id, teamId: i.team?.id }),
    team_id: i.team?.id ?? null,
    enterprise_id: i.enterprise?.id ?? null,
    is_enterprise_install: isEnterpriseInstall,
    app_id: i.appId ?? null,
    bot_id: i.bot?.id ?? null,
    bot_user_id: i.bot?.userId ?? null,
    bot_scopes: i.bot?.scopes ?? [],
    bot_token: enc(i.bot?.token),
    bot_refresh_token: enc(i.bot?.refreshToken),
    bot_token_expires_at: i.bot?.expiresAt ?? null,
    installer_user_id: i.user.id,
    user_scopes: i.user.scopes ?? null,
    user_token: enc(i.user.token),
    user_refresh_token: enc(i.user.refreshToken),
    user_token_expires_at: i.user.expiresAt ?? null,
    details: {
      teamName: i.team?.name,
      enterpriseName: i.enterprise?.name,
      enterpriseUrl: i.enterpriseUrl,
      tokenType: i.tokenType,
      authVersion: i.authVersion,
      metadata: i.metadata,
    },
  };
}

async function readInstallation(
  db: Db,
  cipher: TokenCipher,
  row: InstallationRow,
  logger: Logger,
): Promise<Installation> {
  const plain = decryptTokens(cipher, row);
  if (plain.stale) {
    await reencryptIfStale(db, cipher, row).catch((error: unknown) =>
      logger.warn('could not re-encrypt an installation under the current key', {
        installation: row.id,
        error: String(error),
      }),
    );
  }
  const t = plain.tokens;
  const d = row.details;
  return {
    team: row.team_id ? { id: row.team_id, name: d.teamName } : undefined,
    enterprise: row.enterprise_id ? { id: row.enterprise_id, name: d.enterpriseName } : undefined,
    isEnterpriseInstall: row.is_enterprise_install,
    appId: row.app_id ?? undefined,
    enterpriseUrl: d.enterpriseUrl,
    tokenType: d.tokenType,
    authVersion: d.authVersion ?? 'v2',
    metadata: d.metadata,
    user: {
      id: row.installer_user_id,
      token: t.user_token,
      refreshToken: t.user_refresh_token,
      expiresAt: row.user_token_expires_at ?? undefined,
      scopes: row.user_scopes ?? undefined,
    },
    bot:
      t.bot_token && row.bot_user_id
        ? {
            token: t.bot_token,
            refreshToken: t.bot_refresh_token,
            expiresAt: row.bot_token_expires_at ?? undefined,
            scopes: row.bot_scopes,
            id: row.bot_id ?? '',
            userId: row.bot_user_id,
          }
        : undefined,
  } as Installation;
}

function decryptTokens(
  cipher: TokenCipher,
  row: InstallationRow,
): { tokens: Record<TokenColumn, string | undefined>; stale: boolean } {
  let stale = false;
  const tokens = {} as Record<TokenColumn, string | undefined>;
  for (const column of TOKEN_COLUMNS) {
    const stored = row[column];
    if (!stored) continue;
    const d = cipher.decrypt(stored);
    tokens[column] = d.plain;
    stale ||= d.stale;
  }
  return { tokens, stale };
}

/** Writes the row's tokens again under the current key, unless someone changed it meanwhile. */
async function reencryptIfStale(db: Db, cipher: TokenCipher, row: InstallationRow): Promise<boolean> {
  const { tokens, stale } = decryptTokens(cipher, row);
  if (!stale) return false;
  const set = Object.fromEntries(
    TOKEN_COLUMNS.map((column) => {
      const token = tokens[column];
      return [column, token ? cipher.encrypt(token) : null];
    }),
  ) as Record<TokenColumn, string | null>;
  const result = await db
    .updateTable('installations')
    .set(set)
    .where('id', '=', row.id)
    .where('updated_at', '=', row.updated_at)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
