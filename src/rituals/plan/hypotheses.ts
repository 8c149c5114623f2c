import { appendLog } from '../../db/experimentLog.js';
import {
  columnsOf,
  findHypothesis,
  insertHypothesis,
  lockHypothesis,
  updateHypothesis,
  type HypothesisFields,
  type HypothesisWithProject,
} from '../../db/hypotheses.js';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/index.js';
import { findProject } from '../../db/projects.js';
import type { Database, Hypothesis, Project } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { addDays } from '../../time.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { HypothesisDraft } from './hypothesisDraft.js';
import { canEditHypothesis } from './permissions.js';

export const CONCLUDED = ['validated', 'disproven', 'inconclusive', 'abandoned'] as const;
export const isConcluded = (h: Pick<Hypothesis, 'status'>) =>
  (CONCLUDED as readonly string[]).includes(h.status);

/** Hooks other rituals attach to a hypothesis' lifecycle (the check-in scheduler does). */
export interface HypothesisHooks {
  started?(trx: Db, h: Hypothesis): Promise<void>;
  checkInChanged?(trx: Db, h: Hypothesis): Promise<void>;
}

export async function createHypothesis(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  draft: HypothesisDraft,
  hooks: HypothesisHooks = {},
  callerTrx?: Transaction<Database>,
): Promise<{ hypothesis: Hypothesis; project: Project }> {
  const project = await findProject(callerTrx ?? db, teamId, draft.projectId);
  if (!project) throw notFound('That project no longer exists in this workspace. Pick another one.');
  const at = clock.now();
  const status = draft.startNow ? 'running' : 'proposed';
  // Inside the caller's transaction when given (a decision and the hypotheses it starts are
  // all or nothing), else in its own.
  const inTransaction = <T>(work: (trx: Transaction<Database>) => Promise<T>) =>
    callerTrx ? work(callerTrx) : db.transaction().execute(work);
  const hypothesis = await inTransaction(async (trx) => {
    const h = await insertHypothesis(trx, project, draft, {
      status,
      createdBy: actor,
      at,
      dueAt: draft.startNow ? addDays(at, draft.timeboxDays) : null,
    });
    await appendLog(trx, {
      teamId,
      projectId: project.id,
      hypothesisId: h.id,
      kind: 'hypothesis_created',
      authorUserId: actor,
      text: `H${h.number} ${status === 'running' ? 'started' : 'proposed'}: ${h.statement}`,
      details: {
        status,
        timeboxDays: h.timebox_days,
        successCriteria: h.success_criteria,
        owner: h.owner_user_id,
      },
      at,
    });
    if (status === 'running') await hooks.started?.(trx, h);
    return h;
  });
  return { hypothesis, project };
}

/** Loads a hypothesis the actor may change, or says why not. */
export async function editableHypothesis(
  db: Db,
  teamId: string,
  actor: string,
  id: number,
): Promise<HypothesisWithProject> {
  const h = await findHypothesis(db, teamId, id);
  if (!h) throw notFound('That hypothesis does not exist in this workspace (it may have been deleted).');
  const permission = canEditHypothesis(actor, h);
  if (!permission.allowed) throw forbidden(permission.reason);
  if (isConcluded(h)) {
    throw conflict(`H${h.number} is already ${h.status}; its record stays as it was concluded.`);
  }
  return h;
}

/**
 * Saves an edit. A changed bar or timebox after the start is exactly what the log should
 * show later ("the goalposts moved on day 9"), so the changed fields are logged.
 */
export async function editHypothesis(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  id: number,
  fields: HypothesisFields,
  hooks: HypothesisHooks = {},
): Promise<Hypothesis> {
  await editableHypothesis(db, teamId, actor, id);
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    const before = await lockHypothesis(trx, teamId, id);
    if (!before || isConcluded(before))
      throw conflict('This hypothesis was concluded while you were editing it.');
    const next = columnsOf(fields);
    // Run links are a list: compared by value, not by identity.
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
    );
    const timeboxChanged = before.status === 'running' && next.timebox_days !== before.timebox_days;
    const updated = await updateHypothesis(trx, teamId, id, {
      ...next,
      due_at:
        timeboxChanged && before.started_at ? addDays(before.started_at, next.timebox_days) : before.due_at,
      updated_at: at,
    });
    if (changed.length > 0) {
      await appendLog(trx, {
        teamId,
        projectId: before.project_id,
        hypothesisId: id,
        kind: 'hypothesis_edited',
        authorUserId: actor,
        text: `H${before.number} edited: ${changed.map((c) => c.replace(/_/g, ' ')).join(', ')} changed.`,
        details: { changed, before: Object.fromEntries(changed.map((c) => [c, before[c]])) },
        at,
      });
    }
    const ownerChanged = before.status === 'running' && next.owner_user_id !== before.owner_user_id;
    if (timeboxChanged || ownerChanged) await hooks.checkInChanged?.(trx, updated);
    return updated;
  });
}

/** Starts a proposed hypothesis' timebox now. */
export async function startHypothesis(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
  hooks: HypothesisHooks = {},
): Promise<Hypothesis> {
  await editableHypothesis(services.db, teamId, actor, id);
  return services.db
    .transaction()
    .execute((trx) => startInTransaction(trx, teamId, actor, id, services.clock.now(), hooks));
}

/** The start itself, for callers already in a transaction (a check-in's "start H2 next"). */
export async function startInTransaction(
  trx: Db,
  teamId: string,
  actor: string,
  id: number,
  at: Date,
  hooks: HypothesisHooks,
): Promise<Hypothesis> {
  const before = await lockHypothesis(trx, teamId, id);
  if (!before || before.status !== 'proposed') {
    throw conflict(`H${before?.number ?? ''} is already ${before?.status ?? 'gone'}; nothing to start.`);
  }
  const started = await updateHypothesis(trx, teamId, id, {
    status: 'running',
    started_at: at,
    due_at: addDays(at, before.timebox_days),
    updated_at: at,
  });
  await appendLog(trx, {
    teamId,
    projectId: before.project_id,
    hypothesisId: id,
    kind: 'hypothesis_started',
    authorUserId: actor,
    text: `H${before.number} started: ${before.timebox_days}-day timebox.`,
    at,
  });
  await hooks.started?.(trx, started);
  return started;
}
