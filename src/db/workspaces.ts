import type { Db } from './index.js';
import type { Workspace } from './schema/index.js';

/** Creates the workspace row the first time Labbook hears from a team; never overwrites settings. */
export async function ensureWorkspace(
  db: Db,
  teamId: string,
  fields: { name?: string | null; botUserId?: string | null; enterpriseId?: string | null } = {},
): Promise<void> {
  await db
    .insertInto('workspaces')
    .values({
      team_id: teamId,
      name: fields.name ?? null,
      bot_user_id: fields.botUserId ?? null,
      enterprise_id: fields.enterpriseId ?? null,
    })
    .onConflict((oc) =>
      fields.name || fields.botUserId || fields.enterpriseId
        ? oc.column('team_id').doUpdateSet((eb) => ({
            name: eb.fn.coalesce(eb.val(fields.name ?? null), 'workspaces.name'),
            bot_user_id: eb.fn.coalesce(eb.val(fields.botUserId ?? null), 'workspaces.bot_user_id'),
            enterprise_id: eb.fn.coalesce(eb.val(fields.enterpriseId ?? null), 'workspaces.enterprise_id'),
            updated_at: new Date(),
          }))
        : oc.column('team_id').doNothing(),
    )
    .execute();
}

/** When the workspace's people are asked things; the schema's defaults when it has no row. */
export interface WorkingHoursRow {
  startHour: number;
  endHour: number;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
}

export async function workingHoursOf(db: Db, teamId: string): Promise<WorkingHoursRow> {
  return hoursOfWorkspace(await getWorkspace(db, teamId));
}

/** A workspace row's working hours, for a caller that has read the row already. */
export function hoursOfWorkspace(ws: Workspace | undefined): WorkingHoursRow {
  if (!ws) return { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] };
  return { startHour: ws.working_hours_start, endHour: ws.working_hours_end, days: ws.working_days };
}

export async function getWorkspace(db: Db, teamId: string): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('team_id', '=', teamId).executeTakeFirst();
}

/**
 * Changes when the workspace's people are asked things, and puts every delivery still
 * waiting for a window back to its due time, so the next sweep decides again under the
 * new hours (one waiting on Slack's Retry-After keeps its time).
 */
export async function setWorkingHours(
  db: Db,
  teamId: string,
  hours: WorkingHoursRow,
  at: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('workspaces')
      .set({
        working_hours_start: hours.startHour,
        working_hours_end: hours.endHour,
        working_days: [...hours.days],
        updated_at: at,
      })
      .where('team_id', '=', teamId)
      .execute();
    await trx
      .updateTable('deliveries')
      .set((eb) => ({ next_attempt_at: eb.fn('greatest', [eb.ref('due_at'), eb.val(at)]), updated_at: at }))
      .where('team_id', '=', teamId)
      .where('status', '=', 'pending')
      .where('last_error', 'is', null)
      // A row a worker holds right now is that worker's to finish.
      .where('claimed_by', 'is', null)
      .execute();
  });
}

/**
 * `/hypothesis forget-workspace`: everything Labbook keeps about the workspace goes, in
 * one transaction: its deliveries, its row (projects, hypotheses, logs, meetings and
 * people cascade from it) and its own installation with the tokens. An org-wide
 * installation serves other workspaces too, so it stays. Without an installation of its
 * own (single-workspace mode, or an org-wide install) Labbook stays in the workspace, so a
 * bare row with the default settings is put back for the requests still to come.
 */
export async function forgetWorkspace(db: Db, teamId: string): Promise<{ uninstalled: boolean }> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('deliveries').where('team_id', '=', teamId).execute();
    const { enterprise_id: enterpriseId = null } =
      (await trx
        .deleteFrom('workspaces')
        .where('team_id', '=', teamId)
        .returning('enterprise_id')
        .executeTakeFirst()) ?? {};
    const removed = await trx.deleteFrom('installations').where('id', '=', teamId).executeTakeFirst();
    const uninstalled = removed.numDeletedRows > 0n;
    if (!uninstalled)
      await trx.insertInto('workspaces').values({ team_id: teamId, enterprise_id: enterpriseId }).execute();
    return { uninstalled };
  });
}

/** What forget-workspace is about to delete, as counts for the confirmation. */
export async function workspaceHoldings(
  db: Db,
  teamId: string,
): Promise<{ projects: number; hypotheses: number; logEntries: number }> {
  const count = (table: 'projects' | 'hypotheses' | 'experiment_log_entries') =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('team_id', '=', teamId)
      .executeTakeFirstOrThrow()
      .then((r) => r.n);
  const [projects, hypotheses, logEntries] = await Promise.all([
    count('projects'),
    count('hypotheses'),
    count('experiment_log_entries'),
  ]);
  return { projects, hypotheses, logEntries };
}
