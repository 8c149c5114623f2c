import { sql, type OnConflictBuilder, type QueryCreator } from 'kysely';
import type { Database, Db } from './index.js';
import type { Delivery } from './schema/index.js';

export interface NewDelivery {
  teamId: string;
  /** Owned by one ritual (see DeliveryRitual.kinds), which plans it when it falls due. */
  kind: string;
  /** Unique per team: the same delivery scheduled twice (two replicas, a retry) exists once. */
  dedupeKey: string;
  recipientId: string;
  dueAt: Date;
  projectId?: number | null;
  hypothesisId?: number | null;
  meetingId?: number | null;
  at: Date;
}

/**
 * Schedules a delivery. A second call with the same key changes nothing while the first
 * is pending or sent to the same person; one that was cancelled or failed, or went to
 * someone else, is brought back to life, so a timebox changed and changed back, or an
 * owner replaced (after a failure or not), is asked again.
 */
export async function scheduleDelivery(db: Db, d: NewDelivery): Promise<void> {
  await db.insertInto('deliveries').values(newRow(d)).onConflict(reviving(d)).execute();
}

function newRow(d: NewDelivery) {
  return {
    team_id: d.teamId,
    kind: d.kind,
    dedupe_key: d.dedupeKey,
    recipient_id: d.recipientId,
    project_id: d.projectId ?? null,
    hypothesis_id: d.hypothesisId ?? null,
    meeting_id: d.meetingId ?? null,
    due_at: d.dueAt,
    next_attempt_at: d.dueAt,
    created_at: d.at,
    updated_at: d.at,
  };
}

/** The same key scheduled again: see scheduleDelivery. */
const reviving = (d: NewDelivery) => (oc: OnConflictBuilder<Database, 'deliveries'>) =>
  oc
    .columns(['team_id', 'dedupe_key'])
    .doUpdateSet({
      status: 'pending',
      recipient_id: d.recipientId,
      due_at: d.dueAt,
      next_attempt_at: d.dueAt,
      attempts: 0,
      last_error: null,
      claimed_by: null,
      updated_at: d.at,
    })
    .where((eb) =>
      eb.or([
        eb('deliveries.status', 'in', ['cancelled', 'failed']),
        // Sent to someone who no longer owns it: the new owner must be asked too.
        eb('deliveries.recipient_id', '<>', eb.ref('excluded.recipient_id')),
      ]),
    );

/**
 * Claims up to `limit` due deliveries for this worker. SKIP LOCKED lets replicas claim
 * disjoint rows at once; the claim moves next_attempt_at forward by a lease instead of
 * changing status, so a worker that dies mid-send leaves work that simply falls due again
 * when the lease runs out.
 */
export async function claimDue(
  db: Db,
  opts: { now: Date; limit: number; leaseMs: number; workerId: string },
): Promise<Delivery[]> {
  const leaseUntil = new Date(opts.now.getTime() + opts.leaseMs);
  const claimed = await db
    .updateTable('deliveries')
    .set({ next_attempt_at: leaseUntil, claimed_by: opts.workerId, updated_at: opts.now })
    .where('id', 'in', dueQuery(db, opts.now, opts.limit))
    .returningAll()
    .execute();
  return claimed.sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || a.id - b.id);
}

/**
 * How many of the earliest due deliveries a claim chooses among: wide enough that a batch
 * spans many workspaces, narrow enough that taking turns ranks a thousand rows, not a whole
 * backlog (with 100,000 due, a claim takes about 20 ms; `npm run bench` EXPLAINs it).
 */
const CLAIM_WINDOW = 1_000;

/**
 * The due-work query; exported so the benchmark can EXPLAIN exactly what workers run.
 *
 * Workspaces take turns: among the earliest due, each workspace's first delivery comes
 * before any workspace's second. Slack's limits are per workspace, and a worker sends a
 * workspace's deliveries one after another but different workspaces' side by side, so a
 * batch of one workspace's burst would leave the others waiting behind it for nothing.
 */
export function dueQuery(db: Db, now: Date, limit: number) {
  const earliest = db
    .selectFrom('deliveries')
    .select(['id', 'team_id', 'next_attempt_at'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(CLAIM_WINDOW);
  const turns = db
    .selectFrom(earliest.as('e'))
    .select([
      'e.id',
      'e.next_attempt_at',
      sql<number>`row_number() over (partition by ${sql.ref('e.team_id')} order by ${sql.ref('e.next_attempt_at')}, ${sql.ref('e.id')})`.as(
        'turn',
      ),
    ]);
  return (
    db
      .selectFrom('deliveries as d')
      .innerJoin(turns.as('t'), 't.id', 'd.id')
      .select('d.id')
      // Again on the row itself: another replica may have claimed it since the window was read.
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .orderBy('t.turn')
      .orderBy('t.next_attempt_at')
      .limit(limit)
      .forUpdate('d')
      .skipLocked()
  );
}

/**
 * Renews this worker's claim just before it sends. A claim can outlive its lease while a
 * batch waits on a slow Slack; once the lease has run out another replica may have taken
 * the row, so the worker sends only if the row is still its own, still pending and still
 * leased, which keeps two replicas from posting the same DM.
 */
export async function renewClaim(
  db: Db,
  id: number,
  opts: { workerId: string; now: Date; leaseMs: number },
): Promise<boolean> {
  const renewed = await db
    .updateTable('deliveries')
    .set({ next_attempt_at: new Date(opts.now.getTime() + opts.leaseMs), updated_at: opts.now })
    .where('id', '=', id)
    .where('claimed_by', '=', opts.workerId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', opts.now)
    .returning('id')
    .executeTakeFirst();
  return renewed !== undefined;
}

/** Writes by the worker that holds the claim; a row cancelled or taken meanwhile is left alone. */
function claimed(db: QueryCreator<Database>, id: number, workerId: string) {
  return db
    .updateTable('deliveries')
    .where('id', '=', id)
    .where('claimed_by', '=', workerId)
    .where('status', '=', 'pending');
}

/**
 * Records the send, and schedules what follows it (a reminder after a check-in, say);
 * false, with nothing scheduled, when the row was cancelled (or taken) while the message
 * was on its way. One statement, so one round trip, as every delivery of a burst makes it.
 */
export async function markSent(
  db: Db,
  id: number,
  r: { at: Date; channelId: string | null; messageTs: string | null; workerId: string },
  followUp?: NewDelivery,
): Promise<boolean> {
  const marking = (qc: QueryCreator<Database>) =>
    claimed(qc, id, r.workerId)
      .set((eb) => ({
        status: 'sent',
        sent_at: r.at,
        channel_id: r.channelId,
        message_ts: r.messageTs,
        attempts: eb('attempts', '+', 1),
        last_error: null,
        updated_at: r.at,
      }))
      .returning('id');
  if (!followUp) return (await marking(db).executeTakeFirst()) !== undefined;
  const row = newRow(followUp);
  const { marked } = await db
    .with('sent', marking)
    .with('follow_up', (qc) =>
      qc
        .insertInto('deliveries')
        .columns(Object.keys(row) as (keyof typeof row)[])
        .expression((eb) =>
          eb
            .selectFrom('sent')
            .select(Object.entries(row).map(([column, value]) => eb.val(value).as(column))),
        )
        .onConflict(reviving(followUp)),
    )
    .selectFrom('sent')
    .select((eb) => eb.fn.countAll<string>().as('marked'))
    .executeTakeFirstOrThrow();
  return Number(marked) > 0;
}

/**
 * Whether this worker's record of a send at `at` is already in: a record whose reply was
 * lost with its connection may have been committed all the same.
 */
export async function recordedBy(db: Db, id: number, r: { at: Date; workerId: string }): Promise<boolean> {
  const row = await db
    .selectFrom('deliveries')
    .select('id')
    .where('id', '=', id)
    .where('claimed_by', '=', r.workerId)
    .where('status', '=', 'sent')
    .where('sent_at', '=', r.at)
    .executeTakeFirst();
  return row !== undefined;
}

/** Not yet: try again at `when` (a rate limit, a 5xx, or outside working hours); the claim is released. */
export async function reschedule(
  db: Db,
  id: number,
  r: { when: Date; at: Date; error?: string; countAttempt: boolean; workerId: string },
): Promise<void> {
  await claimed(db, id, r.workerId)
    .set((eb) => ({
      next_attempt_at: r.when,
      claimed_by: null,
      last_error: r.error ?? null,
      attempts: r.countAttempt ? eb('attempts', '+', 1) : eb.ref('attempts'),
      updated_at: r.at,
    }))
    .execute();
}

export async function markFailed(
  db: Db,
  id: number,
  r: { at: Date; error: string; workerId: string },
): Promise<void> {
  await claimed(db, id, r.workerId)
    .set((eb) => ({
      status: 'failed',
      last_error: r.error,
      attempts: eb('attempts', '+', 1),
      updated_at: r.at,
    }))
    .execute();
}

export async function markCancelled(db: Db, id: number, r: { at: Date; workerId: string }): Promise<void> {
  await claimed(db, id, r.workerId).set({ status: 'cancelled', updated_at: r.at }).execute();
}

/** Gives claimed rows back at once (a worker stopping before it reached them). */
export async function releaseClaims(db: Db, ids: number[], r: { at: Date; workerId: string }): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ next_attempt_at: r.at, claimed_by: null, updated_at: r.at })
    .where('id', 'in', ids)
    .where('claimed_by', '=', r.workerId)
    .where('status', '=', 'pending')
    .execute();
}

/** Which waiting deliveries to withdraw; every condition given must hold. */
export interface PendingScope {
  teamIds: string[];
  hypothesisId?: number;
  meetingId?: number;
  recipientId?: string;
  kinds?: readonly string[];
  /**
   * Leave a delivery that a worker is sending right now: its message is about to be out,
   * and withdrawing it would delete what people may already have read.
   */
  leaveInFlight?: boolean;
}

/**
 * Withdraws waiting deliveries that no longer make sense (answered, moved, ended, turned
 * off, uninstalled). One being sent meanwhile is then withdrawn by its worker (see the
 * scheduler's Overtaken), unless `leaveInFlight` says to let it finish. Returns how many.
 */
export async function cancelPending(db: Db, scope: PendingScope, at: Date): Promise<number> {
  if (scope.teamIds.length === 0 || scope.kinds?.length === 0) return 0;
  let q = db
    .updateTable('deliveries')
    .set({ status: 'cancelled', updated_at: at })
    .where('team_id', 'in', scope.teamIds)
    .where('status', '=', 'pending');
  if (scope.hypothesisId !== undefined) q = q.where('hypothesis_id', '=', scope.hypothesisId);
  if (scope.meetingId !== undefined) q = q.where('meeting_id', '=', scope.meetingId);
  if (scope.recipientId !== undefined) q = q.where('recipient_id', '=', scope.recipientId);
  if (scope.kinds) q = q.where('kind', 'in', [...scope.kinds]);
  if (scope.leaveInFlight)
    q = q.where((eb) => eb.or([eb('claimed_by', 'is', null), eb('next_attempt_at', '<=', at)]));
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Pending deliveries by kind, and the earliest next attempt among those ready now: what
 * the metrics read at each scrape, in one pass over the partial index of pending rows.
 */
export async function pendingDeliveries(
  db: Db,
  now: Date,
): Promise<{ kind: string; pending: number; oldestReady: Date | null }[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select((eb) => [
      'kind',
      eb.fn.countAll<number>().as('pending'),
      sql<Date | null>`min(next_attempt_at) filter (where next_attempt_at <= ${now})`.as('oldest_ready'),
    ])
    .where('status', '=', 'pending')
    .groupBy('kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, pending: r.pending, oldestReady: r.oldest_ready }));
}
