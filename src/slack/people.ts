import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { cachedUser, cachedUsers, saveUser } from '../db/slackUsers.js';
import { forbidden } from '../rituals/errors.js';
import type { Services } from '../services.js';
import { DAY_MS, safeZone } from '../time.js';
import { lookupClient } from './webClient.js';

/**
 * The zone Labbook last saw for a person, without asking Slack: for paths that must
 * answer within Slack's 3 seconds and only use it to word a sentence.
 */
export async function knownZone(services: Services, teamId: string, userId: string): Promise<string> {
  return (await cachedUser(services.db, teamId, userId))?.tz ?? 'UTC';
}

/**
 * A person's Slack time zone, cached for a day: users.info is rate-limited (Tier 4) and
 * asked on hot paths such as opening a modal, where trigger_id gives us 3 seconds. A
 * lookup that is refused, rate-limited or slow (LOOKUP_TIMEOUT_MS) falls back to the
 * cached zone or UTC.
 */
export async function userZone(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
): Promise<string> {
  const cached = await cachedUser(services.db, teamId, userId);
  if (cached && services.clock.now().getTime() - cached.fetched_at.getTime() < DAY_MS) return cached.tz;
  try {
    // Never through the interactive client itself: see lookupClient.
    const { user } = await lookupClient(client, services.logger).users.info({ user: userId });
    const tz = safeZone(user?.tz);
    await saveUser(services.db, {
      teamId,
      userId,
      tz,
      realName: user?.real_name ?? null,
      deleted: user?.deleted ?? false,
      at: services.clock.now(),
    });
    return tz;
  } catch (error) {
    services.logger.warn('users.info failed; using the cached or UTC time zone', {
      userId,
      error: String(error),
    });
    return cached?.tz ?? 'UTC';
  }
}

/** Workspace-wide settings and deletions are for workspace admins and owners only. */
export async function requireWorkspaceAdmin(
  client: WebClient,
  userId: string,
  refusal: string,
): Promise<void> {
  const { user } = await client.users.info({ user: userId });
  if (!isAdmin(user)) throw forbidden(refusal);
}

/**
 * The same question, for a path whose answer must go out within Slack's 3 s (a modal
 * submission): asked through the fail-fast lookup client, since the interactive one would
 * wait out a Retry-After. Undefined when Slack did not say in time (rate-limited, slow,
 * an error); the caller then asks again after its answer, before doing anything.
 */
export async function isWorkspaceAdminNow(
  client: WebClient,
  userId: string,
  logger: Logger,
): Promise<boolean | undefined> {
  try {
    const { user } = await lookupClient(client, logger).users.info({ user: userId });
    return isAdmin(user);
  } catch (error) {
    logger.warn('users.info failed; the admin check is made again after the answer', {
      userId,
      error: String(error),
    });
    return undefined;
  }
}

const isAdmin = (user: { is_admin?: boolean; is_owner?: boolean } | undefined): boolean =>
  user?.is_admin === true || user?.is_owner === true;

/** How many people an export may look up in Slack; the rest are named by what the cache knows. */
const NAME_LOOKUPS = 20;

/**
 * People's names for a file read outside Slack, where `<@U…>` means nothing: the cached
 * Slack name, else asked with users.info (fail-fast, at most NAME_LOOKUPS) and cached; a
 * person Slack will not name stays their id.
 */
export async function peopleNames(
  services: Services,
  client: WebClient,
  teamId: string,
  userIds: string[],
): Promise<(userId: string) => string> {
  const names = new Map<string, string>();
  for (const u of await cachedUsers(services.db, teamId, userIds))
    if (u.real_name) names.set(u.user_id, u.real_name);
  const lookups = lookupClient(client, services.logger);
  const unknown = userIds.filter((id) => !names.has(id) && id !== 'USLACKBOT').slice(0, NAME_LOOKUPS);
  await Promise.all(
    unknown.map(async (userId) => {
      try {
        const { user } = await lookups.users.info({ user: userId });
        const name = user?.real_name || user?.name;
        if (!name) return;
        names.set(userId, name);
        await saveUser(services.db, {
          teamId,
          userId,
          tz: safeZone(user?.tz),
          realName: user?.real_name ?? null,
          deleted: user?.deleted ?? false,
          at: services.clock.now(),
        });
      } catch (error) {
        services.logger.debug('users.info failed; the export names them by id', {
          userId,
          error: String(error),
        });
      }
    }),
  );
  names.set('USLACKBOT', 'Slackbot');
  return (userId) => names.get(userId) ?? userId;
}
