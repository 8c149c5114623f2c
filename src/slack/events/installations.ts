import type { Services } from '../../services.js';
import { installationRemoved, userTokensRevoked, type InstallationRef } from '../flows/installations.js';
import type { Routes } from '../routes.js';

/**
 * OAuth mode only. Bolt delivers these two without authorize (the tokens may already be
 * dead), so the workspace comes from the context Bolt builds from the envelope.
 */
export function registerInstallationEvents(routes: Routes, services: Services): void {
  routes.event('app_uninstalled', async ({ context }) => {
    await installationRemoved(services, refOf(context), 'app_uninstalled');
  });
  routes.event('tokens_revoked', async ({ event, context }) => {
    const ref = refOf(context);
    if ((event.tokens.bot ?? []).length > 0) await installationRemoved(services, ref, 'tokens_revoked');
    else await userTokensRevoked(services, ref, event.tokens.oauth ?? []);
  });
}

function refOf(context: {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}): InstallationRef {
  return {
    teamId: context.teamId,
    enterpriseId: context.enterpriseId,
    isEnterpriseInstall: context.isEnterpriseInstall === true,
  };
}
