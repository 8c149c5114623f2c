import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  decisionMessage,
  kickoffMessage,
  meetingsList,
  proposalMessage,
  settledDm,
  withdrawnProposalMessage,
  type Message,
} from '../../../blocks/meeting.js';
import {
  decisionHypothesesModal,
  decisionModal,
  meetingModal,
  proposalModal,
  type HypothesisPrefill,
} from '../../../blocks/meetingModals.js';
import { noProjectOffer } from '../../../blocks/project.js';
import { truncate } from '../../../blocks/text.js';
import {
  findMeeting,
  liveProposals,
  meetingsOfProject,
  proposalNumbers,
  proposalOf,
  sentMeetingDms,
  updateMeeting,
  updateProposal,
  type MeetingWithProject,
} from '../../db/meetings.js';
import { findProject, findProjectByChannel, projectMembers } from '../../db/projects.js';
import type { DecisionMeeting, Proposal } from '../../db/schema/index.js';
import { cachedUser } from '../../db/slackUsers.js';
import { forbidden } from '../../rituals/errors.js';
import {
  TIMEBOX,
  HYPOTHESIS_LIMITS,
  validateHypothesisDraft,
  type HypothesisDraft,
} from '../../rituals/plan/hypothesisDraft.js';
import {
  hypothesisFromProposal,
  proposalTitle,
  recordDecision,
  whyNotMissing,
} from '../../rituals/meetings/decision.js';
import {
  designDocFacts,
  finishPreread,
  prereadFor,
  redrawKickoff,
} from '../../rituals/meetings/deliveries.js';
import {
  DecisionForm,
  MEETING_LIMITS,
  MeetingForm,
  ProposalForm,
  RescheduleForm,
  START_CHOICES,
} from '../../rituals/meetings/forms.js';
import {
  callMeeting,
  canRunMeeting,
  cancelMeeting,
  checkTimes,
  closeProposals,
  rescheduleMeeting,
  runnableMeeting,
} from '../../rituals/meetings/meetings.js';
import {
  addProposal,
  changeableProposal,
  editProposal,
  followDeletedReply,
  followEditedReply,
  isLate,
  keepThreadReply,
  meetingTakingProposals,
  withdrawProposal,
} from '../../rituals/meetings/proposals.js';
import type { Services } from '../../services.js';
import { inZone } from '../../time.js';
import { readViewState, type MessageEvent, type ViewSubmissionPayload } from '../payloads.js';
import { knownZone, userZone } from '../people.js';
import { tell, type Audience } from '../tell.js';
import { refreshHomes } from './home.js';
import { hypothesisHooks } from './hooks.js';
import { postCard } from './hypotheses.js';
import { errorsResponse, readSubmission, type FlowResult } from './result.js';

type To = Audience & { teamId: string; triggerId: string };

const MeetingMeta = z.object({ projectId: z.number().int().positive(), channelId: z.string() });
const MeetingRef = z.object({ meetingId: z.number().int().positive() });
const ProposalMeta = MeetingRef.extend({ proposalId: z.number().int().positive().optional() });
const HypothesesMeta = MeetingRef.extend({ chosen: z.array(z.number().int().positive()).min(1) });
/** A modal of 100 blocks holds six per chosen proposal after the decision itself. */
const MAX_CHOSEN = 12;

// --- calling a meeting -------------------------------------------------------------------

/** `/hypothesis meeting`: the lead's modal, with the project's members and metric filled in. */
export async function openMeetingModal(services: Services, to: To & { channelId: string }): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId));
  const permission = canRunMeeting(to.userId, project);
  if (!permission.allowed) throw forbidden(permission.reason);
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  const [members, facts] = await Promise.all([
    projectMembers(services.db, to.teamId, project.id),
    designDocFacts(services.db, to.teamId, project.id),
  ]);
  // Three days ahead at 10:00 the lead's time: room for a day of reading before the deadline.
  const scheduledAt = inZone(services.clock.now(), tz)
    .add(3, 'day')
    .hour(10)
    .minute(0)
    .second(0)
    .millisecond(0)
    .toDate();
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: meetingModal({
      mode: 'new',
      tz,
      scheduledAt,
      deadline: null,
      participants: members,
      metric: facts.metricGoals ? truncate(facts.metricGoals.split('\n')[0]!, MEETING_LIMITS.metric) : null,
      privateMetadata: JSON.stringify({ projectId: project.id, channelId: project.channel_id }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function submitMeeting(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: MeetingMeta,
    form: MeetingForm,
    what: '`/hypothesis meeting`',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const project = await findProjectByChannel(services.db, teamId, meta.channelId);
  if (!project || project.id !== meta.projectId)
    return errorsResponse({ question: 'That project no longer exists here.' });
  const tz = await knownZone(services, teamId, actor);
  const times = checkTimes(services.clock.now(), form.scheduledAt, form.deadline, tz);
  if (!times.ok) return errorsResponse(times.errors);
  const meeting = await callMeeting(services, {
    project,
    actor,
    form,
    scheduledAt: times.scheduledAt,
    deadline: times.deadline,
  });
  return {
    after: async () => {
      try {
        const posted = await client.chat.postMessage({
          channel: project.channel_id,
          ...kickoffMessage(meeting, project.name, project.lead_user_id),
          unfurl_links: false,
        });
        if (posted.ts) await updateMeeting(services.db, teamId, meeting.id, { thread_ts: posted.ts });
      } catch (error) {
        services.logger.warn('could not post the kickoff', { meetingId: meeting.id, error: String(error) });
        await tell(
          { client, userId: actor },
          {
            text: `The meeting is saved and invitations will go out, but I could not post it in <#${project.channel_id}>. Invite me there with \`/invite @Labbook\`.`,
          },
        );
      }
    },
  };
}

/** `/hypothesis meetings`: the project's meetings, grouped, with links to their threads and pre-reads. */
export async function showMeetings(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
): Promise<void> {
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId));
  const meetings = await meetingsOfProject(services.db, to.teamId, project.id, 20);
  const counts = await Promise.all(meetings.map((m) => liveProposals(services.db, to.teamId, m.id)));
  const items = await Promise.all(
    meetings.map(async (m, i) => ({
      question: m.question,
      scheduled_at: m.scheduled_at,
      status: m.status,
      closed_at: m.closed_at,
      proposals: counts[i]!.length,
      link: m.thread_ts ? await permalink(services, to.client, m.channel_id, m.thread_ts) : null,
      prereadLink: m.preread_ts ? await permalink(services, to.client, m.channel_id, m.preread_ts) : null,
    })),
  );
  await tell(to, meetingsList(project.name, items, services.clock.now()));
}

async function permalink(
  services: Services,
  client: WebClient,
  channel: string,
  ts: string,
): Promise<string | null> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch (error) {
    services.logger.debug('no permalink', { channel, error: String(error) });
    return null;
  }
}

// --- proposals ---------------------------------------------------------------------------

/** *Add a proposal*: the form, or the person's own proposal to edit when they have one. */
export async function openProposal(services: Services, to: To, meetingId: number): Promise<void> {
  const meeting = await meetingTakingProposals(services.db, to.teamId, meetingId);
  const mine = await proposalOf(services.db, to.teamId, meetingId, to.userId);
  if (mine) return openEditProposal(services, to, mine.id);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: proposalModal({
      question: meeting.question,
      metric: meeting.metric,
      late: isLate(meeting, services.clock.now()),
      privateMetadata: JSON.stringify({ meetingId }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function openEditProposal(services: Services, to: To, proposalId: number): Promise<void> {
  const { proposal, meeting } = await changeableProposal(
    services.db,
    to.teamId,
    to.userId,
    proposalId,
    services.clock.now(),
  );
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: proposalModal({
      question: meeting.question,
      metric: meeting.metric,
      initial: proposal,
      late: proposal.late,
      privateMetadata: JSON.stringify({ meetingId: meeting.id, proposalId }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function submitProposal(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: ProposalMeta,
    form: ProposalForm,
    what: 'the proposal',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  if (meta.proposalId) {
    const edited = await editProposal(services, teamId, actor, meta.proposalId, form);
    return { after: () => redrawProposal(services, client, edited) };
  }
  const { proposal, meeting } = await addProposal(services, teamId, actor, meta.meetingId, form);
  return {
    after: async () => {
      const n = (await proposalNumbers(services.db, teamId, meeting.id)).get(proposal.id) ?? 1;
      try {
        const posted = await client.chat.postMessage({
          channel: meeting.channel_id,
          ...(meeting.thread_ts ? { thread_ts: meeting.thread_ts } : {}),
          ...proposalMessage(proposal, n, meeting.metric),
          unfurl_links: false,
        });
        if (posted.ts) await updateProposal(services.db, teamId, proposal.id, { message_ts: posted.ts });
      } catch (error) {
        services.logger.warn('could not post the proposal', {
          proposalId: proposal.id,
          error: String(error),
        });
        await tell(
          { client, userId: actor },
          {
            text: 'Your proposal is saved and will be in the pre-read, but I could not post it in the meeting thread.',
          },
        );
      }
    },
  };
}

async function redrawProposal(services: Services, client: WebClient, p: Proposal): Promise<void> {
  const meeting = await findMeeting(services.db, p.team_id, p.meeting_id);
  if (!meeting || !p.message_ts) return;
  const n = (await proposalNumbers(services.db, p.team_id, p.meeting_id)).get(p.id) ?? 1;
  const message = p.withdrawn_at ? withdrawnProposalMessage(p, n) : proposalMessage(p, n, meeting.metric);
  await client.chat
    .update({ channel: meeting.channel_id, ts: p.message_ts, ...message })
    .catch((error: unknown) =>
      services.logger.warn('could not update the proposal reply', { error: String(error) }),
    );
}

export async function withdraw(services: Services, to: To, proposalId: number): Promise<void> {
  const p = await withdrawProposal(services, to.teamId, to.userId, proposalId);
  await redrawProposal(services, to.client, p);
  await tell(to, { text: 'Your proposal is withdrawn. It will not be in the pre-read.' });
}

// --- the lead's buttons --------------------------------------------------------------------

/** Invitations and reminders lose their buttons once the meeting is settled. */
async function settleDms(services: Services, client: WebClient, m: MeetingWithProject): Promise<void> {
  const dms = await sentMeetingDms(services.db, m.team_id, m.id, [
    'meeting_invite',
    'meeting_reminder',
    'meeting_notice',
  ]);
  const message = settledDm(m, m.project_name);
  for (const dm of dms) {
    await client.chat
      .update({ channel: dm.channel_id, ts: dm.message_ts, ...message })
      .catch((error: unknown) =>
        services.logger.warn('could not update a meeting DM', { error: String(error) }),
      );
  }
}

/** A reply in the kickoff thread that also shows in the channel (or a plain post without a thread). */
function inThreadAndChannel(m: Pick<DecisionMeeting, 'channel_id' | 'thread_ts'>, message: Message) {
  return m.thread_ts
    ? { channel: m.channel_id, ...message, thread_ts: m.thread_ts, reply_broadcast: true as const }
    : { channel: m.channel_id, ...message };
}

async function reload(services: Services, m: DecisionMeeting): Promise<MeetingWithProject> {
  return (await findMeeting(services.db, m.team_id, m.id))!;
}

/** *Close proposals now*: the pre-read goes out at once, in the thread and the channel. */
export async function closeNow(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await reload(services, await closeProposals(services, to.teamId, to.userId, meetingId));
  const { first, rest } = await prereadFor(services.db, m);
  const posted = await to.client.chat.postMessage({ ...inThreadAndChannel(m, first), unfurl_links: false });
  if (posted.ts) await updateMeeting(services.db, m.team_id, m.id, { preread_ts: posted.ts });
  await finishPreread(to.client, services.logger, m, rest, m.thread_ts ?? posted.ts ?? '');
}

export async function openReschedule(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await runnableMeeting(services.db, to.teamId, to.userId, meetingId);
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: meetingModal({
      mode: 'reschedule',
      tz,
      question: m.question,
      scheduledAt: m.scheduled_at,
      deadline: m.proposal_deadline,
      participants: m.participants,
      metric: m.metric,
      privateMetadata: JSON.stringify({ meetingId }),
      limits: MEETING_LIMITS,
    }),
  });
}

export async function submitReschedule(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: MeetingRef,
    form: RescheduleForm,
    what: 'the meeting',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const tz = await knownZone(services, teamId, actor);
  const times = checkTimes(services.clock.now(), form.scheduledAt, form.deadline, tz);
  if (!times.ok) return errorsResponse(times.errors);
  const m = await rescheduleMeeting(services, teamId, actor, meta.meetingId, times);
  return { after: async () => redrawKickoff(client, services.logger, await reload(services, m)) };
}

export async function cancel(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await reload(services, await cancelMeeting(services, to.teamId, to.userId, meetingId));
  await redrawKickoff(to.client, services.logger, m);
  if (m.thread_ts) {
    await to.client.chat.postMessage({
      channel: m.channel_id,
      thread_ts: m.thread_ts,
      text: `This meeting was cancelled by <@${to.userId}>. Participants are told; nothing more will be sent about it.`,
    });
  }
  await settleDms(services, to.client, m);
}

// --- the decision ------------------------------------------------------------------------

async function displayName(services: Services, teamId: string, userId: string): Promise<string> {
  return (await cachedUser(services.db, teamId, userId))?.real_name ?? userId;
}

export async function openDecision(services: Services, to: To, meetingId: number): Promise<void> {
  const m = await runnableMeeting(services.db, to.teamId, to.userId, meetingId);
  const proposals = await liveProposals(services.db, to.teamId, meetingId);
  if (proposals.length === 0) {
    return tell(to, {
      text: 'There are no proposals to choose from yet. Wait for them, or reschedule the meeting.',
    });
  }
  const numbers = await proposalNumbers(services.db, to.teamId, meetingId);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: decisionModal({
      question: m.question,
      proposals: await Promise.all(
        proposals.map(async (p) => ({
          id: p.id,
          n: numbers.get(p.id) ?? 0,
          author: await displayName(services, to.teamId, p.author_user_id),
          title: proposalTitle(p),
        })),
      ),
      privateMetadata: JSON.stringify({ meetingId }),
      limits: MEETING_LIMITS,
    }),
  });
}

/** Step one: the choice and the reasons; step two prefills a hypothesis per chosen proposal. */
export async function submitDecision(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: MeetingRef,
    form: DecisionForm,
    what: 'the decision',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const m = await runnableMeeting(services.db, teamId, actor, meta.meetingId);
  const live = await liveProposals(services.db, teamId, m.id);
  if (form.chosen.length > MAX_CHOSEN)
    return errorsResponse({ chosen: `Choose at most ${MAX_CHOSEN} proposals at once.` });
  const chosen = live.filter((p) => form.chosen.includes(p.id));
  if (chosen.length !== form.chosen.length)
    return errorsResponse({ chosen: 'A proposal you chose was withdrawn. Choose again.' });
  const whyNot = whyNotMissing(chosen.length, live.length, form.whyNot);
  if (whyNot) return errorsResponse({ whyNot });
  const [numbers, facts] = await Promise.all([
    proposalNumbers(services.db, teamId, m.id),
    designDocFacts(services.db, teamId, m.project_id),
  ]);
  const prefills: HypothesisPrefill[] = chosen.map((p) => {
    const draft = hypothesisFromProposal(p, m, facts.baseline);
    return {
      proposalId: p.id,
      n: numbers.get(p.id) ?? 0,
      author: p.author_user_id,
      title: proposalTitle(p, 300),
      statement: draft.statement,
      successCriteria: draft.successCriteria,
      timeboxDays: draft.timeboxDays,
      owner: draft.ownerUserId,
    };
  });
  return {
    response: {
      response_action: 'update',
      view: decisionHypothesesModal({
        decision: form.decision,
        whyNot: form.whyNot,
        prefills,
        privateMetadata: JSON.stringify({ meetingId: m.id, chosen: chosen.map((p) => p.id) }),
        limits: {
          ...MEETING_LIMITS,
          statement: HYPOTHESIS_LIMITS.statement,
          successCriteria: HYPOTHESIS_LIMITS.successCriteria,
          timebox: TIMEBOX,
        },
      }),
    },
  };
}

export async function submitDecisionHypotheses(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: HypothesesMeta,
    form: DecisionForm.omit({ chosen: true }),
    what: 'the decision',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const m = await runnableMeeting(services.db, teamId, actor, meta.meetingId);
  const live = await liveProposals(services.db, teamId, m.id);
  const whyNot = whyNotMissing(meta.chosen.length, live.length, form.whyNot);
  if (whyNot) return errorsResponse({ whyNot });
  const values = readViewState(payload.view.state.values);
  const facts = await designDocFacts(services.db, teamId, m.project_id);
  const hypotheses = new Map<number, HypothesisDraft | null>();
  const errors: Record<string, string> = {};
  for (const id of meta.chosen) {
    const p = live.find((x) => x.id === id);
    if (!p)
      return errorsResponse({
        decision: 'A chosen proposal was withdrawn meanwhile. Start again from *Record the decision*.',
      });
    const key = (f: string) => `h${id}_${f}`;
    const start = z.enum(START_CHOICES).safeParse(values[key('start')]);
    if (!start.success || start.data === 'none') {
      hypotheses.set(id, null);
      continue;
    }
    const base = hypothesisFromProposal(p, m, facts.baseline);
    const checked = validateHypothesisDraft({
      ...base,
      statement: values[key('statement')],
      successCriteria: values[key('successCriteria')],
      timeboxDays: values[key('timeboxDays')],
      ownerUserId: values[key('owner')],
      startNow: start.data,
    });
    if (!checked.ok) {
      for (const [field, message] of Object.entries(checked.errors)) {
        const block = ['statement', 'successCriteria', 'timeboxDays'].includes(field)
          ? key(field)
          : field === 'ownerUserId'
            ? key('owner')
            : key('statement');
        errors[block] ??= message!;
      }
      continue;
    }
    hypotheses.set(id, checked.value);
  }
  if (Object.keys(errors).length > 0) return errorsResponse(errors);
  const hooks = hypothesisHooks(services);
  const recorded = await recordDecision(
    services,
    teamId,
    actor,
    m.id,
    { chosen: meta.chosen, decision: form.decision, whyNot: form.whyNot, hypotheses },
    hooks,
  );
  return {
    after: async () => {
      const decided = await reload(services, recorded.meeting);
      const numbers = await proposalNumbers(services.db, teamId, m.id);
      const line = (p: Proposal) => ({
        n: numbers.get(p.id) ?? 0,
        author: p.author_user_id,
        title: proposalTitle(p),
      });
      const project = await findProject(services.db, teamId, m.project_id);
      await client.chat
        .postMessage({
          ...inThreadAndChannel(
            m,
            decisionMessage(
              decided,
              recorded.chosen.map((p) => {
                const h = recorded.created.find((c) => c.proposal.id === p.id)?.hypothesis;
                return { ...line(p), ...(h ? { hypothesis: { number: h.number, status: h.status } } : {}) };
              }),
              recorded.notChosen.map(line),
            ),
          ),
          unfurl_links: false,
        })
        .catch((error: unknown) =>
          services.logger.warn('could not post the decision', { error: String(error) }),
        );
      await redrawKickoff(client, services.logger, decided);
      await settleDms(services, client, decided);
      for (const { hypothesis } of recorded.created) {
        if (project) await postCard(services, client, hypothesis, project, actor);
      }
      await refreshHomes(services, client, teamId, [
        actor,
        ...recorded.created.map((c) => c.hypothesis.owner_user_id),
      ]);
    },
  };
}

// --- plain replies in a kickoff thread ------------------------------------------------------

/**
 * Follows people's replies in kickoff threads through the Events API (no polling of
 * conversations.replies, which Slack limits to one call a minute for apps like ours).
 * Bots' messages, ours included, and messages outside threads are ignored.
 */
export async function onMessage(services: Services, teamId: string, e: MessageEvent): Promise<void> {
  const isBot = (m: { bot_id?: string | undefined; subtype?: string | undefined }) =>
    m.bot_id !== undefined || m.subtype === 'bot_message';
  if (e.subtype === 'message_changed') {
    const m = e.message;
    if (!m?.thread_ts || m.thread_ts === m.ts || !m.user || isBot(m)) return;
    await followEditedReply(services, {
      teamId,
      channelId: e.channel,
      threadTs: m.thread_ts,
      userId: m.user,
      ts: m.ts,
      text: m.text,
    });
    return;
  }
  if (e.subtype === 'message_deleted') {
    const m = e.previous_message;
    if (!m?.thread_ts || !e.deleted_ts) return;
    await followDeletedReply(services, {
      teamId,
      channelId: e.channel,
      threadTs: m.thread_ts,
      ts: e.deleted_ts,
    });
    return;
  }
  if (e.subtype !== undefined && e.subtype !== 'thread_broadcast') return;
  if (!e.thread_ts || !e.ts || e.thread_ts === e.ts || !e.user || isBot(e)) return;
  await keepThreadReply(services, {
    teamId,
    channelId: e.channel,
    threadTs: e.thread_ts,
    userId: e.user,
    ts: e.ts,
    text: e.text,
  });
}
