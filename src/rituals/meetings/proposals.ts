import {
  editInformal,
  findMeeting,
  findProposal,
  otherReplies,
  insertProposal,
  lockMeeting,
  meetingByThread,
  proposalOf,
  updateProposal,
  updateProposalFields,
  upsertInformal,
  withdrawInformal,
  type MeetingWithProject,
} from '../../db/meetings.js';
import type { DecisionMeeting, Proposal } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { assertOpen } from './meetings.js';
import type { ProposalForm } from './forms.js';

/** After the deadline (or once the lead closed proposals) a proposal still counts, marked late. */
export const isLate = (m: Pick<DecisionMeeting, 'proposal_deadline' | 'closed_at'>, at: Date): boolean =>
  m.closed_at !== null || (m.proposal_deadline !== null && at.getTime() > m.proposal_deadline.getTime());

/** A meeting that still takes proposals: any status but decided or cancelled. */
export async function meetingTakingProposals(
  db: Services['db'],
  teamId: string,
  id: number,
): Promise<MeetingWithProject> {
  const m = await findMeeting(db, teamId, id);
  if (!m) throw notFound('That meeting does not exist in this workspace.');
  assertOpen(m);
  return m;
}

export async function addProposal(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  meetingId: number,
  form: ProposalForm,
): Promise<{ proposal: Proposal; meeting: DecisionMeeting }> {
  const at = clock.now();
  return db.transaction().execute(async (trx) => {
    const m = await lockMeeting(trx, teamId, meetingId);
    if (!m) throw notFound('That meeting does not exist in this workspace.');
    assertOpen(m);
    if (await proposalOf(trx, teamId, meetingId, actor)) {
      throw conflict('You already have a proposal in this meeting. Use *Edit* on it in the thread.');
    }
    const proposal = await insertProposal(trx, {
      teamId,
      meetingId,
      author: actor,
      fields: form,
      late: isLate(m, at),
      at,
    });
    return { proposal, meeting: m };
  });
}

/** A proposal its author may still change: live, the meeting open and the deadline ahead. */
export async function changeableProposal(
  db: Services['db'],
  teamId: string,
  actor: string,
  id: number,
  at: Date,
): Promise<{ proposal: Proposal; meeting: MeetingWithProject }> {
  const proposal = await findProposal(db, teamId, id);
  if (!proposal) throw notFound('That proposal does not exist in this workspace.');
  if (proposal.withdrawn_at) throw conflict('That proposal was withdrawn; nothing more to change.');
  if (proposal.author_user_id !== actor) {
    throw forbidden(`Only its author <@${proposal.author_user_id}> can change this proposal.`);
  }
  const meeting = await meetingTakingProposals(db, teamId, proposal.meeting_id);
  if (isLate(meeting, at) && !proposal.late) {
    throw conflict('The proposal deadline has passed; proposals are kept as they were for the pre-read.');
  }
  return { proposal, meeting };
}

export async function editProposal(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
  form: ProposalForm,
): Promise<Proposal> {
  const at = services.clock.now();
  await changeableProposal(services.db, teamId, actor, id, at);
  return updateProposalFields(services.db, teamId, id, form, at);
}

export async function withdrawProposal(
  services: Services,
  teamId: string,
  actor: string,
  id: number,
): Promise<Proposal> {
  const at = services.clock.now();
  await changeableProposal(services.db, teamId, actor, id, at);
  return updateProposal(services.db, teamId, id, { withdrawn_at: at, updated_at: at });
}

export interface ThreadReply {
  teamId: string;
  channelId: string;
  threadTs: string;
  userId: string;
  ts: string;
  text: string;
}

/** The undecided meeting this kickoff thread belongs to. */
async function meetingOfReply(
  db: Services['db'],
  r: Pick<ThreadReply, 'teamId' | 'channelId' | 'threadTs'>,
): Promise<DecisionMeeting | undefined> {
  const m = await meetingByThread(db, r.teamId, r.channelId, r.threadTs);
  return m && m.status === 'collecting' ? m : undefined;
}

/**
 * A reply with no content of its own ("+1", an emoji, "ok") is never a proposal: what is
 * left once emoji codes, symbols and "+1"s are taken out has fewer than three letters.
 */
export function hasContent(text: string): boolean {
  const left = text
    .replace(/:[a-z0-9_+'-]+:/gi, ' ')
    .replace(/[+-]1\b/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, '');
  return left.length >= 3;
}

/** What the author of a kept reply is asked: the first reply's question, a later reply's button, or nothing. */
export type ReplyQuestion = { proposalId: number; ask: 'first' | 'later' } | null;

/**
 * A plain reply in a kickoff thread, by a participant, is kept as discussion until its
 * author says it is their proposal: their first reply is asked about, later ones are
 * discussion with a button of their own, and replies without content are never asked.
 * Replies elsewhere, by others, or once decided are not kept; nor are the lead's when the
 * lead is not a participant (their nudges and questions are not proposals).
 */
export async function keepThreadReply({ db, clock }: Services, r: ThreadReply): Promise<ReplyQuestion> {
  const m = await meetingOfReply(db, r);
  if (!m || !m.participants.includes(r.userId) || !r.text.trim()) return null;
  const at = clock.now();
  const content = hasContent(r.text);
  const first =
    content &&
    !(await otherReplies(db, { teamId: r.teamId, meetingId: m.id, author: r.userId, exceptTs: r.ts })).some(
      hasContent,
    );
  const kept = await upsertInformal(db, {
    teamId: r.teamId,
    meetingId: m.id,
    author: r.userId,
    messageTs: r.ts,
    text: r.text,
    late: isLate(m, at),
    meant: first ? 'asked' : 'discussion',
    at,
  });
  if (!kept.inserted || !content) return null;
  return { proposalId: kept.id, ask: first ? 'first' : 'later' };
}

/** The author's answer for one reply: it is their proposal, or just discussion. */
export async function answerReply(
  { db, clock }: Services,
  teamId: string,
  actor: string,
  id: number,
  meant: 'proposal' | 'discussion',
): Promise<Proposal> {
  const reply = await findProposal(db, teamId, id);
  if (!reply || reply.kind !== 'informal') throw notFound('That reply is no longer in the thread.');
  if (reply.author_user_id !== actor) {
    throw forbidden(`Only <@${reply.author_user_id}>, who wrote the reply, can say what it is.`);
  }
  if (reply.withdrawn_at) throw conflict('That reply was deleted; nothing to count.');
  await meetingTakingProposals(db, teamId, reply.meeting_id);
  return updateProposal(db, teamId, id, { meant, updated_at: clock.now() });
}

/** An edited reply: the informal proposal follows (or is created, if it was kept before). */
export async function followEditedReply(services: Services, r: ThreadReply): Promise<void> {
  const m = await meetingOfReply(services.db, r);
  if (!m) return;
  const edited = await editInformal(services.db, {
    teamId: r.teamId,
    meetingId: m.id,
    messageTs: r.ts,
    text: r.text,
    at: services.clock.now(),
  });
  if (!edited) await keepThreadReply(services, r);
}

export async function followDeletedReply(
  { db, clock }: Services,
  r: Pick<ThreadReply, 'teamId' | 'channelId' | 'threadTs' | 'ts'>,
): Promise<void> {
  const m = await meetingOfReply(db, r);
  if (!m) return;
  await withdrawInformal(db, { teamId: r.teamId, meetingId: m.id, messageTs: r.ts, at: clock.now() });
}
