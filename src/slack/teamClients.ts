import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/index.js';
import { installationForTeam, installationVersion } from '../db/installations.js';
import type { Logger } from '../logger.js';
import { PermanentDeliveryError } from '../scheduler/slackErrors.js';
import type { TokenCipher } from '../tokenCipher.js';

/**
 * OAuth mode: the scheduler's fail-fast client for each workspace, made with that
 * workspace's own bot token. A client is kept per team and reused while its installation
 * is unchanged; each call first reads the installation's id and version (one primary-key
 * lookup), so an uninstall or a reinstall on any replica is seen at the next delivery.
 */
export function teamClients(
  db: Db,
  cipher: TokenCipher,
  logger: Logger,
  clientWith: (token: string, teamId: string) => WebClient,
): (teamId: string) => Promise<WebClient> {
  const cache = new Map<string, { version: string; client: WebClient }>();
  return async (teamId) => {
    const current = await installationVersion(db, teamId);
    if (!current) {
      cache.delete(teamId);
      throw new PermanentDeliveryError('not_installed');
    }
    const cached = cache.get(teamId);
    if (cached?.version === current) return cached.client;
    const installation = await installationForTeam(db, cipher, teamId, logger);
    const token = installation?.bot?.token;
    if (!token) {
      cache.delete(teamId);
      throw new PermanentDeliveryError('not_installed');
    }
    const client = clientWith(token, teamId);
    cache.set(teamId, { version: current, client });
    return client;
  };
}
