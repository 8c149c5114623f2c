import type { WebClient } from '@slack/web-api';
import {
  claimDirectorySync,
  directorySyncedAt,
  finishDirectorySync,
  saveListedUsers,
} from '../db/slackUsers.js';
import type { Services } from '../services.js';
import { safeZone } from '../time.js';
import { profileStatus } from './people.js';

/**
 * How long a listing of a workspace's people stands. user_change events keep zones and
 * statuses fresh in between; the listing catches what they missed.
 */
export const DIRECTORY_TTL_MS = 12 * 60 * 60 * 1000;
/** Slack's advice for users.list pages. */
const PAGE_SIZE = 200;
/** How long one replica may take to list everyone before another may start over. */
const LISTING_LEASE_MS = 5 * 60_000;
/** How long a replica waits for another one's listing before going on without it. */
const WAIT_FOR_LISTING_MS = 60_000;
const POLL_MS = 250;

/**
 * Makes sure the workspace's people were listed with users.list (a Tier 2 call per 200
 * people) within DIRECTORY_TTL_MS, so a burst of scheduled DMs reads zones and statuses
 * from the cache instead of asking users.info (Tier 4, 100 a minute) once per person. One
 * replica lists; the others wait for it rather than ask Slack the same thing, each only
 * until the page with the person it needs is saved.
 */
export async function ensureDirectory(
  services: Services,
  client: WebClient,
  teamId: string,
  /** While another replica lists, whether what this caller needs has arrived already (a page saved). */
  arrived: () => Promise<boolean> = () => Promise.resolve(false),
): Promise<void> {
  const { db, clock } = services;
  const fresh = (at: Date | null) => at !== null && clock.now().getTime() - at.getTime() < DIRECTORY_TTL_MS;
  if (fresh(await directorySyncedAt(db, teamId))) return;
  const startedAt = clock.now();
  const claim = {
    now: startedAt,
    until: new Date(startedAt.getTime() + LISTING_LEASE_MS),
    staleBefore: new Date(startedAt.getTime() - DIRECTORY_TTL_MS),
  };
  if (await claimDirectorySync(db, teamId, claim)) {
    let listed = false;
    try {
      await listPeople(services, client, teamId, startedAt);
      listed = true;
    } finally {
      // Dated from the start: a change during the listing may be missing from its pages.
      await finishDirectorySync(db, teamId, listed ? startedAt : null);
    }
    return;
  }
  // Real time, not the injected clock, which may stand still.
  const deadline = Date.now() + WAIT_FOR_LISTING_MS;
  while (!fresh(await directorySyncedAt(db, teamId)) && !(await arrived())) {
    if (Date.now() >= deadline) {
      services.logger.warn('another replica is still listing the workspace’s people; going on without it', {
        teamId,
      });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function listPeople(services: Services, client: WebClient, teamId: string, at: Date): Promise<void> {
  let cursor: string | undefined;
  let count = 0;
  do {
    const page = await client.users.list({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    const people = (page.members ?? []).flatMap((m) =>
      m.id
        ? [
            {
              userId: m.id,
              tz: safeZone(m.tz),
              realName: m.real_name ?? null,
              deleted: m.deleted ?? false,
              status: profileStatus(m.profile),
            },
          ]
        : [],
    );
    await saveListedUsers(services.db, teamId, people, at);
    count += people.length;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  services.logger.info('listed the workspace’s people', { teamId, count });
}
