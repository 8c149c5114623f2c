import type { EmbeddedUser } from './model.js';
import { ok, slackError, str, type Json } from './wire.js';

/** A user object as users.info and users.list give it, status included (profile.status_*). */
export function userJson(user: EmbeddedUser, defaultTeam: string): Json {
  const realName = user.realName ?? user.id;
  return {
    id: user.id,
    team_id: user.teamId ?? defaultTeam,
    name: user.id.toLowerCase(),
    real_name: realName,
    deleted: user.deleted ?? false,
    is_bot: user.isBot ?? false,
    is_admin: user.isAdmin ?? false,
    is_owner: user.isOwner ?? false,
    tz: user.tz ?? 'UTC',
    tz_label: user.tz ?? 'Coordinated Universal Time',
    tz_offset: user.tzOffset ?? 0,
    profile: {
      real_name: realName,
      display_name: realName,
      status_emoji: user.status?.emoji ?? '',
      status_text: user.status?.text ?? '',
      status_expiration: user.status?.expiration ?? 0,
    },
  };
}

/** Slack refuses a users.list page larger than this. */
const MAX_PAGE = 1000;

/**
 * users.list: the workspace's people (deactivated ones too, `deleted: true`), ordered by id,
 * paged with `limit` and the opaque `cursor` of the previous page's
 * response_metadata.next_cursor ('' after the last page). No limit: everyone at once.
 */
export function usersPage(people: EmbeddedUser[], defaultTeam: string, args: Json): Json {
  const limit = args.limit === undefined ? people.length : Number(args.limit);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) return slackError('invalid_limit');
  const cursor = str(args.cursor);
  const from = cursor
    ? Number.parseInt(
        Buffer.from(cursor, 'base64')
          .toString('utf8')
          .replace(/^offset:/, ''),
        10,
      )
    : 0;
  if (!Number.isInteger(from) || from < 0) return slackError('invalid_cursor');
  const sorted = [...people].sort((a, b) => a.id.localeCompare(b.id));
  const size = limit === 0 ? sorted.length : limit;
  const page = sorted.slice(from, from + size);
  const next = from + size < sorted.length ? Buffer.from(`offset:${from + size}`).toString('base64') : '';
  return ok({
    members: page.map((u) => userJson(u, defaultTeam)),
    cache_ts: 0,
    response_metadata: { next_cursor: next },
  });
}
