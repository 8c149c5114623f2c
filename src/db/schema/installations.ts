import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from './types.js';

/** An encrypted token (src/tokenCipher.ts), never the token itself. */
type Encrypted = string;
/** bigint, unix seconds; pg returns int8 as a number here (see src/db/index.ts). */
type UnixSeconds = ColumnType<number, number | null | undefined, number | null>;

/** One installation of Labbook, OAuth mode only. */
export interface InstallationsTable {
  /** The team id, or the enterprise id of an org-wide install (Bolt's lookup key). */
  id: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: Generated<boolean>;
  app_id: string | null;
  bot_id: string | null;
  bot_user_id: string | null;
  bot_scopes: Generated<string[]>;
  bot_token: Encrypted | null;
  bot_refresh_token: Encrypted | null;
  bot_token_expires_at: UnixSeconds | null;
  installer_user_id: string;
  user_scopes: string[] | null;
  user_token: Encrypted | null;
  user_refresh_token: Encrypted | null;
  user_token_expires_at: UnixSeconds | null;
  details: Generated<InstallationDetails>;
  installed_at: CreatedAt;
  updated_at: CreatedAt;
}

/** The token-free rest of Bolt's Installation. */
export interface InstallationDetails {
  teamName?: string | undefined;
  enterpriseName?: string | undefined;
  enterpriseUrl?: string | undefined;
  tokenType?: 'bot' | undefined;
  authVersion?: 'v1' | 'v2' | undefined;
  metadata?: string | undefined;
}

export interface OAuthStatesUsedTable {
  state_hash: string;
  used_at: CreatedAt;
}
