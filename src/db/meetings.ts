import { sql, type Updateable } from 'kysely';
import type { Db } from './index.js';
import type { DecisionMeeting, Proposal } from './schema/index.js';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from './schema/index.js';
import type { DecisionMeetingsTable, OptionKind, ProposalsTable, ReplyMeaning } from './schema/meetings.js';

export type MeetingWithProject = DecisionMeeting & { project_name: string; lead_user_id: string };

export interface NewMeeting {
  teamId: string;
  projectId: number;
  channelId: string;
  question: string;
  scheduledAt: Date;
  deadline: Date;
  participants: string[];
  metric: string | null;
  createdBy: string;
  at: Date;
}

export async function insertMeeting(db: Db, m: NewMeeting): Promise<DecisionMeeting> {
  return db
    .insertInto('decision_meetings')
    .values({
      team_id: m.teamId,
      project_id: m.projectId,
      channel_id: m.channelId,
      question: m.question,
      scheduled_at: m.scheduledAt,
      proposal_deadline: m.deadline,
      participants: m.participants,
      metric: m.metric,
      created_by: m.createdBy,
      created_at: m.at,
      updated_at: m.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

function withProject(db: Db) {
  return db
    .selectFrom('decision_meetings as m')
    .innerJoin('projects as p', (j) =>
      j.onRef('p.id', '=', 'm.project_id').onRef('p.team_id', '=', 'm.team_id'),
    )
    .selectAll('m')
    .select(['p.name as project_name', 'p.lead_user_id']);
}

export async function findMeeting(
  db: Db,
  teamId: string,
  id: number,
): Promise<MeetingWithProject | undefined> {
  return withProject(db).where('m.team_id', '=', teamId).where('m.id', '=', id).executeTakeFirst();
}

/** The meeting whose kickoff thread this is, in this workspace. */
export async function meetingByThread(
  db: Db,
  teamId: string,
  channelId: string,
  threadTs: string,
): Promise<DecisionMeeting | undefined> {
  return db
    .selectFrom('decision_meetings')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('channel_id', '=', channelId)
    .where('thread_ts', '=', threadTs)
    .executeTakeFirst();
}

/** Locks the meeting row: every change to a meeting and its proposals goes through it. */
export async function lockMeeting(trx: Db, teamId: string, id: number): Promise<DecisionMeeting | undefined> {
  return trx
    .selectFrom('decision_meetings')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateMeeting(
  db: Db,
  teamId: string,
  id: number,
  set: Updateable<DecisionMeetingsTable>,
): Promise<DecisionMeeting> {
  return db
    .updateTable('decision_meetings')
    .set(set)
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The project's meetings, soonest first among open ones, then the latest decided. */
export async function meetingsOfProject(
  db: Db,
  teamId: string,
  projectId: number,
  limit: number,
): Promise<DecisionMeeting[]> {
  return db
    .selectFrom('decision_meetings')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('project_id', '=', projectId)
    .orderBy('scheduled_at', 'desc')
    .limit(limit)
    .execute();
}

// --- proposals -------------------------------------------------------------------------

export interface ProposalFields {
  approach: string;
  relatedWork: string | null;
  noReading: boolean;
  expectedGain: string | null;
  costDays: number | null;
  risks: string | null;
  optionKind: OptionKind | null;
}

const proposalColumns = (f: ProposalFields) => ({
  approach: f.approach,
  related_work: f.relatedWork,
  no_reading: f.noReading,
  expected_gain: f.expectedGain,
  cost_days: f.costDays,
  risks: f.risks,
  option_kind: f.optionKind,
});

export async function insertProposal(
  db: Db,
  p: { teamId: string; meetingId: number; author: string; fields: ProposalFields; late: boolean; at: Date },
): Promise<Proposal> {
  return db
    .insertInto('proposals')
    .values({
      team_id: p.teamId,
      meeting_id: p.meetingId,
      author_user_id: p.author,
      kind: 'formal',
      ...proposalColumns(p.fields),
      late: p.late,
      created_at: p.at,
      updated_at: p.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateProposalFields(
  db: Db,
  teamId: string,
  id: number,
  fields: ProposalFields,
  at: Date,
): Promise<Proposal> {
  return updateProposal(db, teamId, id, { ...proposalColumns(fields), updated_at: at });
}

export async function updateProposal(
  db: Db,
  teamId: string,
  id: number,
  set: Updateable<ProposalsTable>,
): Promise<Proposal> {
  return db
    .updateTable('proposals')
    .set(set)
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findProposal(db: Db, teamId: string, id: number): Promise<Proposal | undefined> {
  return db
    .selectFrom('proposals')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The live formal proposal of this author, if any. */
export async function proposalOf(
  db: Db,
  teamId: string,
  meetingId: number,
  author: string,
): Promise<Proposal | undefined> {
  return db
    .selectFrom('proposals')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where('author_user_id', '=', author)
    .where('kind', '=', 'formal')
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
}

/** A proposal: made with the form, or a thread reply its author said is one. */
const isProposal = (eb: ExpressionBuilder<Database, 'proposals'>) =>
  eb.or([eb('kind', '=', 'formal'), eb('meant', '=', 'proposal')]);

/** Every proposal not withdrawn, in the order they came in. */
export async function liveProposals(db: Db, teamId: string, meetingId: number): Promise<Proposal[]> {
  return db
    .selectFrom('proposals')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where('withdrawn_at', 'is', null)
    .where(isProposal)
    .orderBy('id')
    .execute();
}

/** Thread replies that are discussion (or not yet said to be proposals), still in the thread. */
export async function discussionReplies(db: Db, teamId: string, meetingId: number): Promise<Proposal[]> {
  return db
    .selectFrom('proposals')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where('kind', '=', 'informal')
    .where('withdrawn_at', 'is', null)
    .where((eb) => eb.not(isProposal(eb)))
    .orderBy('id')
    .execute();
}

/** The texts of this person's other replies in the thread (all but `exceptTs`, withdrawn ones too). */
export async function otherReplies(
  db: Db,
  p: { teamId: string; meetingId: number; author: string; exceptTs: string },
): Promise<string[]> {
  const rows = await db
    .selectFrom('proposals')
    .select('approach')
    .where('team_id', '=', p.teamId)
    .where('meeting_id', '=', p.meetingId)
    .where('author_user_id', '=', p.author)
    .where('kind', '=', 'informal')
    .where('message_ts', '!=', p.exceptTs)
    .execute();
  return rows.map((r) => r.approach);
}

/**
 * Keeps a plain reply in the kickoff thread as an informal proposal; the same reply seen
 * again (Slack retries an event) or edited updates the one row.
 */
export async function upsertInformal(
  db: Db,
  p: {
    teamId: string;
    meetingId: number;
    author: string;
    messageTs: string;
    text: string;
    late: boolean;
    meant: ReplyMeaning;
    at: Date;
  },
): Promise<{ id: number; inserted: boolean }> {
  return (
    db
      .insertInto('proposals')
      .values({
        team_id: p.teamId,
        meeting_id: p.meetingId,
        author_user_id: p.author,
        kind: 'informal',
        approach: p.text,
        meant: p.meant,
        message_ts: p.messageTs,
        late: p.late,
        created_at: p.at,
        updated_at: p.at,
      })
      .onConflict((oc) =>
        oc
          .columns(['meeting_id', 'message_ts'])
          // The partial index's own predicate, literally: a bound parameter cannot match it.
          .where(sql<boolean>`kind = 'informal'`)
          .doUpdateSet({ approach: p.text, updated_at: p.at }),
      )
      // xmax is 0 on a row this statement inserted: a retried event is not asked about twice.
      .returning(['id', sql<boolean>`xmax = 0`.as('inserted')])
      .executeTakeFirstOrThrow()
  );
}

/** An informal proposal edited in Slack; false when no such reply was kept. */
export async function editInformal(
  db: Db,
  p: { teamId: string; meetingId: number; messageTs: string; text: string; at: Date },
): Promise<boolean> {
  const row = await db
    .updateTable('proposals')
    .set({ approach: p.text, updated_at: p.at })
    .where('team_id', '=', p.teamId)
    .where('meeting_id', '=', p.meetingId)
    .where('kind', '=', 'informal')
    .where('message_ts', '=', p.messageTs)
    .where('withdrawn_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The reply was deleted in Slack: the proposal is withdrawn (the row stays for the record). */
export async function withdrawInformal(
  db: Db,
  p: { teamId: string; meetingId: number; messageTs: string; at: Date },
): Promise<void> {
  await db
    .updateTable('proposals')
    .set({ withdrawn_at: p.at, updated_at: p.at })
    .where('team_id', '=', p.teamId)
    .where('meeting_id', '=', p.meetingId)
    .where('kind', '=', 'informal')
    .where('message_ts', '=', p.messageTs)
    .where('withdrawn_at', 'is', null)
    .execute();
}

// --- the meeting's deliveries ------------------------------------------------------------

/** DMs of the meeting that went out (invitations, reminders), to take their buttons back. */
export async function sentMeetingDms(
  db: Db,
  teamId: string,
  meetingId: number,
  kinds: string[],
): Promise<{ recipient_id: string; channel_id: string; message_ts: string }[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['recipient_id', 'channel_id', 'message_ts'])
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where('kind', 'in', kinds)
    .where('status', '=', 'sent')
    .execute();
  return rows.filter(
    (r): r is { recipient_id: string; channel_id: string; message_ts: string } =>
      r.channel_id !== null && r.message_ts !== null,
  );
}

/** A participant's invitation to the meeting: whether (and when) it went out. */
export async function invitationOf(
  db: Db,
  teamId: string,
  meetingId: number,
  userId: string,
): Promise<{ status: string; sent_at: Date | null } | undefined> {
  return db
    .selectFrom('deliveries')
    .select(['status', 'sent_at'])
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where('kind', '=', 'meeting_invite')
    .where('recipient_id', '=', userId)
    .executeTakeFirst();
}

/** Each proposal's stable number in its meeting (P1, P2, …), withdrawn ones included. */
export async function proposalNumbers(
  db: Db,
  teamId: string,
  meetingId: number,
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('proposals')
    .select('id')
    .where('team_id', '=', teamId)
    .where('meeting_id', '=', meetingId)
    .where(isProposal)
    .orderBy('id')
    .execute();
  return new Map(rows.map((r, i) => [r.id, i + 1]));
}

/**
 * The kind of option (simple/standard or state of the art) each hypothesis was proposed
 * as, for the hypotheses that came from a meeting proposal that said so.
 */
export async function optionKindsOfHypotheses(
  db: Db,
  teamId: string,
  projectIds?: number[],
): Promise<{ hypothesis_id: number; option_kind: OptionKind | null }[]> {
  if (projectIds?.length === 0) return [];
  let q = db
    .selectFrom('proposals')
    .innerJoin('hypotheses', 'hypotheses.id', 'proposals.hypothesis_id')
    .select(['hypotheses.id as hypothesis_id', 'proposals.option_kind'])
    .where('proposals.team_id', '=', teamId)
    .where('hypotheses.team_id', '=', teamId)
    .where('proposals.option_kind', 'is not', null);
  if (projectIds) q = q.where('hypotheses.project_id', 'in', projectIds);
  return q.execute();
}
