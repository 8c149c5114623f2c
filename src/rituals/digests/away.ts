import { awayRangesOverlapping } from '../../db/away.js';
import type { Db } from '../../db/index.js';
import { projectMembers } from '../../db/projects.js';
import type { Project } from '../../db/schema/index.js';
import { cachedUsers } from '../../db/slackUsers.js';
import { getWorkspace } from '../../db/workspaces.js';
import { localDate } from '../../time.js';
import { DEFAULT_AWAY_EMOJI, statusAway } from '../away/away.js';
import type { Week } from './weeks.js';

/** Someone of the project away during the digest's week, and their last day away if known. */
export interface AwayMember {
  userId: string;
  /** 'YYYY-MM-DD'; null when a Slack status says away with no end. */
  lastDay: string | null;
}

/**
 * Who of the project (its lead, members and the owners of what runs in it) was away
 * during the week: by the away command's range, or by the Slack status Labbook last saw
 * (kept fresh by status events; the digest asks Slack nothing).
 */
export async function awayDuringWeek(
  db: Db,
  project: Pick<Project, 'id' | 'team_id' | 'lead_user_id'>,
  week: Week,
  tz: string,
  now: Date,
): Promise<AwayMember[]> {
  const teamId = project.team_id;
  const [members, owners, ws] = await Promise.all([
    projectMembers(db, teamId, project.id),
    db
      .selectFrom('hypotheses')
      .select('owner_user_id')
      .distinct()
      .where('team_id', '=', teamId)
      .where('project_id', '=', project.id)
      .where('status', '=', 'running')
      .execute(),
    getWorkspace(db, teamId),
  ]);
  const people = [...new Set([project.lead_user_id, ...members, ...owners.map((o) => o.owner_user_id)])];
  const dayOf = (d: Date) => localDate(d, tz);
  const [ranges, cached] = await Promise.all([
    awayRangesOverlapping(db, teamId, people, dayOf(week.start), dayOf(week.end)),
    cachedUsers(db, teamId, people),
  ]);
  const emoji = ws?.away_emoji ?? DEFAULT_AWAY_EMOJI;
  const away = new Map<string, string | null>(ranges.map((r) => [r.userId, r.endsOn]));
  for (const u of cached) {
    if (away.has(u.user_id) || !u.status_fetched_at) continue;
    const status = { emoji: u.status_emoji, text: u.status_text, expiration: u.status_expiration };
    const seen = statusAway(status, emoji, now);
    if (seen) away.set(u.user_id, seen.until && dayOf(new Date(seen.until.getTime() - 1)));
  }
  return people.filter((u) => away.has(u)).map((userId) => ({ userId, lastDay: away.get(userId)! }));
}
