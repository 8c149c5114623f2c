import type { InstallationStore } from '@slack/bolt';
import type { CallbackOptions } from '@slack/oauth';
import type { OAuthConfig } from '../../config.js';
import type { Db } from '../../db/index.js';
import { installedPage, installFailedPage } from './pages.js';
import { singleUseStateStore } from './stateStore.js';

/**
 * The bot scopes Labbook asks for when installed; the same list as manifest.json's
 * oauth_config.scopes.bot (a test keeps the two equal).
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'im:write',
  'users:read',
  // The Slack status: away emoji or text holds check-ins back.
  'users.profile:read',
  'files:write',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
];

const callbackOptions: CallbackOptions = {
  success: (installation, _options, _req, res) => installedPage(installation, res),
  failure: (error, _options, _req, res) => installFailedPage(error, res),
};

/**
 * What Bolt's receivers (HTTP and Socket Mode alike) need to run the OAuth flow:
 * GET /slack/install (the Add to Slack page) and GET /slack/oauth_redirect (code → tokens
 * through oauth.v2.access, at SLACK_API_URL like every other call).
 */
export function oauthReceiverOptions(
  oauth: OAuthConfig,
  db: Db,
  installationStore: InstallationStore,
  apiUrl: string,
) {
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    installationStore,
    scopes: BOT_SCOPES,
    installerOptions: {
      installPath: '/slack/install',
      redirectUriPath: '/slack/oauth_redirect',
      stateStore: singleUseStateStore(db, oauth.stateSecret),
      clientOptions: { slackApiUrl: apiUrl },
      callbackOptions,
    },
  };
}
