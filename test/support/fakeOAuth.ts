import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';

/**
 * Slack's side of "Add to Slack" for tests: the person approves on slack.com (not
 * simulated; a test calls `approve`), Slack redirects the browser back with a one-time
 * `code`, and the app exchanges it through `oauth.v2.access` on the fake Slack.
 * oauth.v2.access answers as Slack documents: client id and secret must match, a code is
 * good once.
 */
export const CLIENT_ID = '1111111111.2222222222';
export const CLIENT_SECRET = 'test-client-secret-abcdef0123456789';
export const STATE_SECRET = 'test-state-secret-0123456789abcdef';
export const APP_ID = 'A0LABBOOK';

/** What a person approves by default: the bot scopes of the app's manifest. */
const MANIFEST_SCOPES = (
  JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as {
    oauth_config: { scopes: { bot: string[] } };
  }
).oauth_config.scopes.bot;

export interface WorkspaceGrant {
  teamId: string;
  teamName?: string;
  botToken: string;
  botUserId: string;
  /** The person who installs. */
  installerId: string;
  /** Scopes granted to the bot; default the manifest's. */
  scopes?: string[];
  /**
   * Org-wide install on an Enterprise Grid org: Slack answers with no team, the enterprise
   * instead. (The fake lets the token act in `teamId`, the org's workspace the test uses.)
   */
  enterprise?: { id: string; name: string; orgWide: boolean };
  /** A user token too (user scopes), as some installs grant. */
  userToken?: string;
}

export class FakeOAuth {
  private readonly codes = new Map<string, WorkspaceGrant>();
  /** Every code redeemed, with what was answered. */
  readonly exchanges: { code: string; ok: boolean; error?: string }[] = [];

  constructor(private readonly fake: EmbeddedSlack) {
    fake.handle('oauth.v2.access', (args) => this.exchange(args));
  }

  /** The person approved the install on Slack: the one-time code Slack puts in the redirect. */
  approve(grant: WorkspaceGrant): string {
    const code = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.codes.set(code, grant);
    return code;
  }

  private exchange(args: Record<string, unknown>): Record<string, unknown> {
    const code = String(args.code ?? '');
    const refuse = (error: string) => {
      this.exchanges.push({ code, ok: false, error });
      return { ok: false, error };
    };
    if (args.client_id !== CLIENT_ID) return refuse('invalid_client_id');
    if (args.client_secret !== CLIENT_SECRET) return refuse('bad_client_secret');
    const grant = this.codes.get(code);
    if (!grant) return refuse('invalid_code');
    this.codes.delete(code);
    this.exchanges.push({ code, ok: true });
    // From now on the token is good, and only for its own workspace's channels and people.
    this.fake.addWorkspace({ teamId: grant.teamId, botToken: grant.botToken, botUserId: grant.botUserId });
    const orgWide = grant.enterprise?.orgWide === true;
    return {
      ok: true,
      app_id: APP_ID,
      authed_user: {
        id: grant.installerId,
        ...(grant.userToken
          ? { scope: 'search:read', access_token: grant.userToken, token_type: 'user' }
          : {}),
      },
      scope: (grant.scopes ?? MANIFEST_SCOPES).join(','),
      token_type: 'bot',
      access_token: grant.botToken,
      bot_user_id: grant.botUserId,
      team: orgWide ? null : { id: grant.teamId, name: grant.teamName ?? grant.teamId },
      enterprise: grant.enterprise ? { id: grant.enterprise.id, name: grant.enterprise.name } : null,
      is_enterprise_install: orgWide,
    };
  }
}
