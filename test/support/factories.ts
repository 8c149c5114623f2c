import { addRevision } from '../../src/db/designDocs.js';
import { insertHypothesis, type HypothesisFields } from '../../src/db/hypotheses.js';
import type { Db } from '../../src/db/index.js';
import { insertProject } from '../../src/db/projects.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { ensureWorkspace } from '../../src/db/workspaces.js';
import { addDays } from '../../src/time.js';

/** Rows as the app would have written them, for tests that start mid-story. */
export async function makeProject(
  db: Db,
  o: { teamId: string; channelId?: string; lead?: string; members?: string[]; name?: string; at?: Date },
): Promise<Project> {
  await ensureWorkspace(db, o.teamId);
  const at = o.at ?? new Date('2026-11-01T10:00:00Z');
  return db.transaction().execute(async (trx) => {
    const project = await insertProject(trx, {
      teamId: o.teamId,
      channelId: o.channelId ?? 'C0PROJECT',
      name: o.name ?? 'Search ranking',
      leadUserId: o.lead ?? 'U0LEAD',
      memberIds: o.members ?? [],
      phase: 'develop',
      createdBy: o.lead ?? 'U0LEAD',
      at,
    });
    await addRevision(trx, {
      teamId: o.teamId,
      projectId: project.id,
      section: 'problem',
      content: 'Rare intents are missed.',
      authorUserId: project.lead_user_id,
      at,
    });
    return project;
  });
}

export const defaultFields: HypothesisFields = {
  statement: 'Focal loss will improve recall on rare intents by 5% over the baseline',
  method: 'Swap cross-entropy for focal loss (gamma 2)',
  metric: 'recall@10 on rare intents',
  baseline: 'production ranker v12',
  successCriteria: 'recall@10 on rare intents +5% over baseline, others down 1% at most',
  timeboxDays: 14,
  nextOnFailure: 'try H2: oversample rare intents',
  nextOnSuccess: 'ship behind a flag',
  ownerUserId: 'U0OWNER',
};

export async function makeHypothesis(
  db: Db,
  project: Project,
  o: Partial<HypothesisFields> & { status?: 'proposed' | 'running'; startedAt?: Date; dueAt?: Date } = {},
): Promise<Hypothesis> {
  const fields = { ...defaultFields, ...o };
  const status = o.status ?? 'running';
  const startedAt = o.startedAt ?? new Date('2026-11-09T10:00:00Z');
  return db.transaction().execute((trx) =>
    insertHypothesis(trx, project, fields, {
      status,
      createdBy: fields.ownerUserId,
      at: startedAt,
      dueAt: status === 'running' ? (o.dueAt ?? addDays(startedAt, fields.timeboxDays)) : null,
    }),
  );
}

/** Every button in a message or view, by action id. */
export function buttons(blocks: unknown): { action_id: string; value?: string; text: { text: string } }[] {
  const out: { action_id: string; value?: string; text: { text: string } }[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'button' && typeof o.action_id === 'string') out.push(o as never);
      Object.values(o).forEach(visit);
    }
  };
  visit(blocks);
  return out;
}

/**
 * Withdraws whatever an earlier test in the same file left waiting, so a sweep in this
 * test sends only what this test scheduled.
 */
export async function withdrawAllPending(db: Db): Promise<void> {
  await db.updateTable('deliveries').set({ status: 'cancelled' }).where('status', '=', 'pending').execute();
}
