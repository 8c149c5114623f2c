import type { Button, KnownBlock } from '@slack/types';
import type { DecisionMeeting, Proposal } from '../src/db/schema/index.js';
import { awayUntil } from './away.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { count, md, mention, plain, slackDate, truncate, userText } from './text.js';

export type Message = { text: string; blocks: KnownBlock[] };
type MeetingView = Pick<
  DecisionMeeting,
  | 'id'
  | 'question'
  | 'scheduled_at'
  | 'proposal_deadline'
  | 'participants'
  | 'metric'
  | 'status'
  | 'closed_at'
> & {
  decision?: string | null;
  decided_by?: string | null;
  cancelled_by?: string | null;
  outcome?: DecisionMeeting['outcome'];
  /** Participants away through the proposal deadline, with their last day away. */
  away?: ReadonlyMap<string, string | null>;
};

/** A moment every reader sees in their own zone; UTC for clients that cannot render it. */
export const when = (d: Date) =>
  slackDate(d, `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`, '{date_short_pretty} at {time}');

const button = (action_id: string, text: string, value: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  action_id,
  text: plain(text, LIMITS.buttonText),
  value,
  ...(style ? { style } : {}),
});

/** Mentions, cut to fit one section (a meeting of 200 people still posts); "(away until …)" after those away. */
export function mentions(users: string[], max = 2000, away?: ReadonlyMap<string, string | null>): string {
  const out: string[] = [];
  let length = 0;
  for (const [i, u] of users.entries()) {
    const m = away?.has(u) ? `${mention(u)} (${awayUntil(away.get(u)!)})` : mention(u);
    if (length + m.length + 2 > max - 20) {
      out.push(`and ${users.length - i} more`);
      break;
    }
    out.push(m);
    length += m.length + 2;
  }
  return out.join(', ') || '—';
}

const RULES =
  '*A good proposal* reads first (papers, links, what others tried), states the expected gain on the optimising metric, the cost in days and the risks, and says whether it is a simple/standard option or a state-of-the-art one. The meeting exists to decide, not to keep researching.';

/** The kickoff's facts in two lines; it is posted in the project's own channel, so no project name. */
function meetingFacts(m: MeetingView): KnownBlock[] {
  const due = m.proposal_deadline ? `proposals due ${when(m.proposal_deadline)}` : 'proposals before it';
  return [
    {
      type: 'section',
      text: md(
        `:busts_in_silhouette: *Decision meeting* ${when(m.scheduled_at)}: *${userText(m.question, 2000)}*\n` +
          `${due} · metric: ${userText(m.metric ?? 'not named', 300)} · ${mentions(m.participants, 500, m.away)}`,
      ),
    },
  ];
}

/** Only the lead sees these, in a message of their own: nobody else is shown a red *Cancel meeting*. */
export function leadControlsMessage(m: MeetingView): Message {
  const value = String(m.id);
  return {
    text: 'Your controls for this meeting',
    blocks: [
      { type: 'section', text: md(`Your controls as the project lead, for _${userText(m.question, 500)}_:`) },
      {
        type: 'actions',
        block_id: 'meeting_lead_actions',
        elements: [
          ...(m.closed_at ? [] : [button(ids.meeting.close, 'Close proposals now', value)]),
          button(ids.meeting.decide, 'Record the decision', value),
          button(ids.meeting.reschedule, 'Reschedule', value),
          {
            ...button(ids.meeting.cancel, 'Cancel meeting', value, 'danger'),
            confirm: {
              title: plain('Cancel this meeting?', 100),
              text: plain('Participants are told, and nothing more is sent about it.', 300),
              confirm: plain('Cancel meeting', 30),
              deny: plain('Keep it', 30),
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}

/** The kickoff in the project channel; its buttons give way to the outcome once settled. */
export function kickoffMessage(m: MeetingView, lead: string): Message {
  const blocks = meetingFacts(m);
  const value = String(m.id);
  if (m.status === 'decided') {
    blocks.push({
      type: 'section',
      text: md(
        m.outcome === 'stop'
          ? `:octagonal_sign: *Decided* by ${mention(m.decided_by ?? lead)}: none chosen, this line of work stops. ${userText(m.decision ?? '', 2400)}\nThe decision and the reasons are in the thread.`
          : `:white_check_mark: *Decided* by ${mention(m.decided_by ?? lead)}: ${userText(m.decision ?? '', 2500)}\nThe decision and the new hypotheses are in the thread.`,
      ),
    });
  } else if (m.status === 'cancelled') {
    blocks.push({
      type: 'section',
      text: md(
        `:no_entry_sign: *Cancelled* by ${mention(m.cancelled_by ?? lead)}. Nothing more will be sent about it.`,
      ),
    });
  } else {
    blocks.push({ type: 'context', elements: [md(RULES)] });
    if (m.closed_at) {
      blocks.push({
        type: 'context',
        elements: [
          md(
            ':books: Proposals are closed; the pre-read is in the thread. Late proposals are still taken, marked late.',
          ),
        ],
      });
    }
    blocks.push({
      type: 'actions',
      block_id: 'meeting_actions',
      elements: [
        button(ids.meeting.propose, 'Add a proposal', value, 'primary'),
        // Closing, deciding, rescheduling and cancelling: shown to the lead alone, on press.
        button(ids.meeting.leadControls, 'Lead’s controls', value),
      ],
    });
  }
  return { text: `Decision meeting: ${userText(m.question, 200)}`, blocks };
}

/**
 * The DM to each participant: the question, the deadline, and a way to propose. A `late`
 * invitation is one that could only arrive after the deadline: proposals are still welcome.
 */
export function invitationMessage(
  m: MeetingView,
  projectName: string,
  lead: string,
  kind: 'invite' | 'late' | 'reminder',
): Message {
  const due = m.proposal_deadline ? when(m.proposal_deadline) : 'the meeting';
  const called = `${mention(lead)} called a decision meeting for *${userText(projectName, 150)}* on ${when(m.scheduled_at)}.`;
  const intro = {
    invite: `${called} Read first, then post your proposal before ${due}.`,
    late: `${called} Proposals were due ${due}, before this message could reach you in your working hours; yours is still welcome, marked late, and goes to the meeting.`,
    reminder: `:alarm_clock: Proposals for the decision meeting of *${userText(projectName, 150)}* are due ${m.proposal_deadline ? when(m.proposal_deadline) : 'soon'}, and you have not proposed yet. A short proposal that cites what you read is worth more than none.`,
  }[kind];
  return {
    text:
      kind === 'reminder'
        ? `Reminder: proposals due for ${userText(m.question, 200)}`
        : `Decision meeting: ${userText(m.question, 200)}`,
    blocks: [
      { type: 'section', text: md(intro) },
      { type: 'section', text: md(`*Question:* ${userText(m.question, 2500)}`) },
      {
        type: 'actions',
        block_id: 'meeting_dm',
        elements: [button(ids.meeting.propose, 'Add a proposal', String(m.id), 'primary')],
      },
    ],
  };
}

/** A meeting moved or cancelled, as told to those already invited. */
export function noticeMessage(m: MeetingView, projectName: string): Message {
  const cancelled = m.status === 'cancelled';
  const text = cancelled
    ? `:no_entry_sign: The decision meeting of *${userText(projectName, 150)}* was cancelled: _${userText(m.question, 2000)}_. No proposal is needed any more.`
    : `:calendar: The decision meeting of *${userText(projectName, 150)}* moved to ${when(m.scheduled_at)}; proposals are now due ${m.proposal_deadline ? when(m.proposal_deadline) : 'before it'}.\n*Question:* ${userText(m.question, 2000)}`;
  return {
    text: cancelled ? 'Decision meeting cancelled' : 'Decision meeting rescheduled',
    blocks: [
      { type: 'section', text: md(text) },
      ...(cancelled
        ? []
        : [
            {
              type: 'actions' as const,
              block_id: 'meeting_dm',
              elements: [button(ids.meeting.propose, 'Add a proposal', String(m.id))],
            },
          ]),
    ],
  };
}

/** An invitation or reminder once the meeting is settled: the buttons withdrawn, the outcome said. */
export function settledDm(m: MeetingView, projectName: string): Message {
  const outcome =
    m.status === 'decided'
      ? `:white_check_mark: Decided: ${userText(m.decision ?? '', 2000)}`
      : ':no_entry_sign: This meeting was cancelled.';
  return {
    text: m.status === 'decided' ? 'Decision meeting decided' : 'Decision meeting cancelled',
    blocks: [
      {
        type: 'section',
        text: md(
          `*Decision meeting* for *${userText(projectName, 150)}*: ${userText(m.question, 1500)}\n${outcome}`,
        ),
      },
    ],
  };
}

/** Splits long user text into escaped pieces that each fit a section. */
export function textPieces(raw: string, max = LIMITS.sectionText): string[] {
  const pieces: string[] = [];
  const step = Math.floor(max * 0.8);
  for (let i = 0; i < raw.length || i === 0; i += step) pieces.push(userText(raw.slice(i, i + step), max));
  return pieces;
}

export const optionLabel = (kind: string | null) =>
  kind === 'simple' ? 'simple / standard' : kind === 'sota' ? 'state of the art' : 'kind not given';

/** A proposal in full: the thread reply, and each proposal of the pre-read. */
export function proposalBlocks(
  p: Proposal,
  n: number,
  opts: { metric: string | null; buttons: boolean },
): KnownBlock[] {
  const late = p.late ? ' · :hourglass: _late_' : '';
  const kind = p.kind === 'informal' ? ' · _informal (a thread reply)_' : '';
  const blocks: KnownBlock[] = [
    { type: 'section', text: md(`*P${n}* · proposal by ${mention(p.author_user_id)}${kind}${late}`) },
    ...textPieces(p.approach).map((t) => ({ type: 'section' as const, text: md(t) })),
  ];
  if (p.kind === 'formal') {
    blocks.push({
      type: 'section',
      fields: [
        md(`*Related work*\n${p.no_reading ? '_no reading needed_' : userText(p.related_work ?? '—', 1800)}`),
        md(
          `*Expected gain${opts.metric ? ` (${userText(opts.metric, 100)})` : ''}*\n${userText(p.expected_gain ?? '—', 1700)}`,
        ),
        md(`*Cost*\n${p.cost_days ? count(p.cost_days, 'day') : '—'}`),
        md(`*Option*\n${optionLabel(p.option_kind)}`),
      ],
    });
    if (p.risks) blocks.push({ type: 'section', text: md(`*Risks*\n${userText(p.risks, 2900)}`) });
  }
  if (opts.buttons) {
    blocks.push({
      type: 'actions',
      block_id: 'proposal_actions',
      elements: [
        button(ids.meeting.editProposal, 'Edit', String(p.id)),
        {
          ...button(ids.meeting.withdrawProposal, 'Withdraw', String(p.id), 'danger'),
          confirm: {
            title: plain('Withdraw your proposal?', 100),
            text: plain('It leaves the pre-read; the record keeps that it was withdrawn.', 300),
            confirm: plain('Withdraw', 30),
            deny: plain('Keep it', 30),
          },
        },
      ],
    });
  }
  return blocks;
}

export function proposalMessage(p: Proposal, n: number, metric: string | null): Message {
  return {
    text: `Proposal P${n}: ${userText(p.approach, 200)}`,
    blocks: proposalBlocks(p, n, { metric, buttons: true }),
  };
}

export function withdrawnProposalMessage(p: Proposal, n: number): Message {
  return {
    text: `Proposal P${n} withdrawn`,
    blocks: [{ type: 'section', text: md(`~P${n}~ · ${mention(p.author_user_id)} withdrew this proposal.`) }],
  };
}

/** Lines packed into as few sections as fit, never splitting a line. */
function sections(heading: string, lines: string[]): KnownBlock[] {
  const out: string[] = [];
  let current = heading;
  for (const line of lines) {
    if (current.length + line.length + 1 > LIMITS.sectionText - 100) {
      out.push(current);
      current = line;
    } else current = `${current}\n${line}`;
  }
  out.push(current);
  return out.map((t) => ({ type: 'section', text: md(t) }));
}

/** The decision in the thread: what was chosen (and its H-number), and each proposal left out with its reason. */
export function decisionMessage(
  m: Pick<DecisionMeeting, 'question' | 'decision' | 'decided_by' | 'outcome'>,
  chosen: { n: number; author: string; title: string; hypothesis?: { number: number; status: string } }[],
  notChosen: { n: number; author: string; title: string; reason: string | null }[],
): Message {
  const line = (p: { n: number; author: string; title: string }) =>
    `*P${p.n}* ${mention(p.author)}: ${userText(p.title, 150)}`;
  const stop = m.outcome === 'stop';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `${stop ? ':octagonal_sign: *Decision: none chosen — this line of work stops*' : ':white_check_mark: *Decision*'} by ${mention(m.decided_by ?? '')} on _${userText(m.question, 500)}_\n${userText(m.decision ?? '', 2000)}`,
      ),
    },
  ];
  if (chosen.length > 0) {
    blocks.push(
      ...sections(
        '*Chosen*',
        chosen.map(
          (p) => `• ${line(p)}${p.hypothesis ? ` → *H${p.hypothesis.number}* (${p.hypothesis.status})` : ''}`,
        ),
      ),
    );
  }
  if (notChosen.length > 0) {
    blocks.push(
      ...sections(
        '*Considered, not chosen*',
        // Each reason whole up to 600 characters; the log and the export keep all of it.
        notChosen.map((p) => `• ${line(p)}${p.reason ? ` — _${userText(p.reason, 600)}_` : ''}`),
      ),
    );
  }
  const summary = stop ? 'none chosen, this line of work stops' : userText(m.decision ?? '', 200);
  return { text: `Decision: ${summary}`, blocks: blocks.slice(0, LIMITS.messageBlocks) };
}

/** "None yet": the thread hears that proposals are open again, until when, and why. */
export function reopenedMessage(
  m: Pick<DecisionMeeting, 'question' | 'proposal_deadline' | 'scheduled_at'>,
  lead: string,
  decision: string,
): Message {
  const due = m.proposal_deadline ? when(m.proposal_deadline) : '—';
  return {
    text: `No decision yet: more proposals are due ${m.proposal_deadline?.toISOString().slice(0, 16).replace('T', ' ') ?? ''} UTC`,
    blocks: [
      {
        type: 'section',
        text: md(
          `:arrows_counterclockwise: *None yet — collecting more proposals.* ${mention(lead)} decided: ${userText(decision, 2000)}\nProposals are open again until ${due}; the meeting is ${when(m.scheduled_at)}. Participants are invited again.`,
        ),
      },
    ],
  };
}

// --- the list --------------------------------------------------------------------------

export interface MeetingListItem {
  question: string;
  scheduled_at: Date;
  status: string;
  closed_at: Date | null;
  proposals: number;
  link: string | null;
  /** The pre-read's first message, once proposals are closed. */
  prereadLink: string | null;
}

export function meetingsList(projectName: string, items: MeetingListItem[], now: Date): Message {
  const groups: [string, MeetingListItem[]][] = [
    ['Collecting proposals', items.filter((i) => i.status === 'collecting' && !i.closed_at)],
    ['Upcoming (proposals closed)', items.filter((i) => i.status === 'collecting' && i.closed_at)],
    ['Decided', items.filter((i) => i.status === 'decided')],
    ['Cancelled', items.filter((i) => i.status === 'cancelled')],
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: md(`*Decision meetings of ${userText(projectName, 150)}*`) },
  ];
  for (const [title, group] of groups) {
    if (group.length === 0) continue;
    const lines = group.map((i) => {
      const q = userText(truncate(i.question, 120), 400);
      const name = i.link ? `<${i.link}|${q.replace(/[|>]/g, ' ')}>` : q;
      const past =
        i.scheduled_at.getTime() < now.getTime() && i.status === 'collecting'
          ? ' (time passed, not decided)'
          : '';
      const preread = i.prereadLink ? ` · <${i.prereadLink}|pre-read>` : '';
      return `• ${name} — ${when(i.scheduled_at)}${past} · ${count(i.proposals, 'proposal')}${preread}`;
    });
    blocks.push({ type: 'section', text: md(truncate(`*${title}*\n${lines.join('\n')}`, 2900)) });
  }
  if (blocks.length === 1) {
    blocks.push({
      type: 'section',
      text: md('No decision meetings yet. The project lead calls one with `/hypothesis meeting`.'),
    });
  }
  return { text: `Decision meetings of ${userText(projectName, 100)}`, blocks };
}

// --- plain replies in the kickoff thread -----------------------------------------------------

/** Under a participant's reply, to them only: is it their proposal? The first reply asks; later ones offer. */
export function replyQuestion(proposalId: number, ask: 'first' | 'later'): Message {
  const value = String(proposalId);
  const text =
    ask === 'first'
      ? 'Count this as your proposal? Only proposals go into the pre-read as proposals; discussion is listed under them.'
      : 'Kept as discussion. If this reply is your proposal, say so.';
  return {
    text: ask === 'first' ? 'Count this as your proposal?' : 'Kept as discussion',
    blocks: [
      { type: 'section', text: md(text) },
      {
        type: 'actions',
        elements: [
          button(ids.meeting.replyIsProposal, 'Yes, it is my proposal', value, 'primary'),
          ...(ask === 'first' ? [button(ids.meeting.replyIsDiscussion, 'No, just discussion', value)] : []),
        ],
      },
    ],
  };
}

export function replyAnswered(meant: 'proposal' | 'discussion'): Message {
  const text =
    meant === 'proposal'
      ? ':memo: Counted as your proposal: it goes into the pre-read with the others.'
      : ':speech_balloon: Kept as discussion: it is listed under the proposals in the pre-read. Your later replies are discussion too unless you say otherwise.';
  return { text, blocks: [{ type: 'section', text: md(text) }] };
}
