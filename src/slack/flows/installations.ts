import { cancelPending } from '../../db/deliveries.js';
import { installationKey, removeInstallation, removeUserTokens } from '../../db/installations.js';
import type { Db } from '../../db/index.js';
import type { Services } from '../../services.js';

export interface InstallationRef {
  teamId: string | undefined;
  enterpriseId: string | undefined;
  isEnterpriseInstall: boolean;
}

/**
 * Labbook was uninstalled, or its bot token revoked: the tokens are deleted at once and
 * nothing waiting for the workspace(s) is sent. Projects, hypotheses and logs stay, so a
 * reinstall picks up where the team left off (forget-workspace is how they go).
 */
export async function installationRemoved(
  services: Services,
  ref: InstallationRef,
  why: string,
): Promise<void> {
  const { db, clock, logger } = services;
  const key = installationKey(ref);
  // One transaction: nobody sees the installation gone with its deliveries still waiting.
  const { removed, cancelled } = await db.transaction().execute(async (trx) => {
    const removed = await removeInstallation(trx, key);
    const cancelled = await cancelPending(trx, { teamIds: await teamsServedBy(trx, ref) }, clock.now());
    return { removed, cancelled };
  });
  logger.info('Labbook removed from a workspace: tokens deleted, pending deliveries cancelled', {
    why,
    installation: key,
    hadInstallation: removed,
    cancelled,
  });
}

/** tokens_revoked naming people only: their user tokens go; the bot keeps working. */
export async function userTokensRevoked(
  services: Services,
  ref: InstallationRef,
  userIds: string[],
): Promise<void> {
  await removeUserTokens(services.db, installationKey(ref), userIds);
  services.logger.info('user tokens revoked and deleted', {
    installation: installationKey(ref),
    users: userIds.length,
  });
}

/** The workspace itself, or every workspace of the enterprise for an org-wide install. */
async function teamsServedBy(db: Db, ref: InstallationRef): Promise<string[]> {
  if (!ref.isEnterpriseInstall) return ref.teamId ? [ref.teamId] : [];
  const rows = await db
    .selectFrom('workspaces')
    .select('team_id')
    .where('enterprise_id', '=', ref.enterpriseId ?? '')
    // A workspace with an installation of its own is still served by it.
    .where('team_id', 'not in', (eb) => eb.selectFrom('installations').select('id'))
    .execute();
  return rows.map((r) => r.team_id);
}
