import type { AwayRange, SlackStatus } from '../rituals/away/away.js';
import type { Db } from './index.js';

export async function awayRangeOf(db: Db, teamId: string, userId: string): Promise<AwayRange | undefined> {
  const row = await db
    .selectFrom('away_periods')
    .select(['starts_on', 'ends_on'])
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && { startsOn: row.starts_on, endsOn: row.ends_on };
}

/** The away ranges that overlap [from, to] (dates), for lists such as the digest's. */
export async function awayRangesOverlapping(
  db: Db,
  teamId: string,
  userIds: readonly string[],
  from: string,
  to: string,
): Promise<(AwayRange & { userId: string })[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('away_periods')
    .select(['user_id', 'starts_on', 'ends_on'])
    .where('team_id', '=', teamId)
    .where('user_id', 'in', userIds)
    .where('starts_on', '<=', to)
    .where('ends_on', '>=', from)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, startsOn: r.starts_on, endsOn: r.ends_on }));
}

/**
 * Sets (or replaces) the person's away range and puts their waiting deliveries back to
 * their due time, so the next sweep decides again with the new range.
 */
export async function setAwayRange(
  db: Db,
  p: { teamId: string; userId: string; range: AwayRange | null; setBy: string; at: Date },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (p.range) {
      const values = {
        starts_on: p.range.startsOn,
        ends_on: p.range.endsOn,
        set_by: p.setBy,
        created_at: p.at,
      };
      await trx
        .insertInto('away_periods')
        .values({ team_id: p.teamId, user_id: p.userId, ...values })
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet(values))
        .execute();
    } else {
      await trx
        .deleteFrom('away_periods')
        .where('team_id', '=', p.teamId)
        .where('user_id', '=', p.userId)
        .execute();
    }
    await trx
      .updateTable('deliveries')
      .set((eb) => ({
        next_attempt_at: eb.fn('greatest', [eb.ref('due_at'), eb.val(p.at)]),
        updated_at: p.at,
      }))
      .where('team_id', '=', p.teamId)
      .where('recipient_id', '=', p.userId)
      .where('status', '=', 'pending')
      .where('last_error', 'is', null)
      .where('claimed_by', 'is', null)
      .execute();
  });
}

/** Caches the person's Slack status as read now (users.profile.get or an event). */
export async function saveStatus(
  db: Db,
  p: { teamId: string; userId: string; status: SlackStatus; tz?: string; at: Date },
): Promise<void> {
  const values = {
    status_emoji: p.status.emoji,
    status_text: p.status.text,
    status_expiration: p.status.expiration,
    status_fetched_at: p.at,
    ...(p.tz ? { tz: p.tz } : {}),
  };
  await db
    .insertInto('slack_users')
    .values({ team_id: p.teamId, user_id: p.userId, ...values, fetched_at: p.tz ? p.at : new Date(0) })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet(values))
    .execute();
}

export async function setOwnHolidays(
  db: Db,
  teamId: string,
  userId: string,
  region: string | null,
): Promise<void> {
  await db
    .insertInto('slack_users')
    .values({ team_id: teamId, user_id: userId, holidays: region, fetched_at: new Date(0) })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doUpdateSet({ holidays: region }))
    .execute();
}

export async function setWorkspaceHolidays(
  db: Db,
  teamId: string,
  region: string | null,
  at: Date,
): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ holidays: region, updated_at: at })
    .where('team_id', '=', teamId)
    .execute();
}
