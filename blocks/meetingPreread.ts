import type { KnownBlock } from '@slack/types';
import type { Proposal } from '../src/db/schema/index.js';
import { LIMITS } from './limits.js';
import { mentions, optionLabel, when, type Message } from './meeting.js';
import { escapeMrkdwn, md, mention, truncate, userText } from './text.js';

export interface PrereadInput {
  question: string;
  projectName: string;
  scheduledAt: Date;
  metric: string | null;
  proposals: Proposal[];
  participants: string[];
  withoutProposals: string[];
  /** Participants away through the deadline, with their last day away: not "no proposal from". */
  away?: ReadonlyMap<string, string | null>;
  flags: string[];
  /** Stable proposal numbers (P1, P2, …) as in the thread; default their order here. */
  numbers?: Map<number, number>;
  /** Thread replies that are discussion, not proposals: counted and linked, not set side by side. */
  discussion?: { count: number; link: string | null };
  /** Per proposal id: its message in the thread, where it is in full. */
  links?: Map<number, string>;
  /** Per proposal id: its approach, gain and cost as the side by side shows them. */
  readings?: Map<number, ProposalReading>;
  /** Per proposal id: the closest past hypotheses, each as a line ("H4 disproven on 12 Nov: …"). */
  triedBefore?: Map<number, string[]>;
}

// Slack takes 50 blocks a message; the total size of a message's blocks is capped too, so
// each message of the pre-read stays well under both and a long one becomes several.
const MAX_BLOCKS = 45;
const MAX_CHARS = 12_000;

const blockChars = (b: KnownBlock) => JSON.stringify(b).length;

/** Packs blocks into messages that each fit, keeping a proposal's blocks together where possible. */
export function packMessages(groups: KnownBlock[][], text: (i: number) => string): Message[] {
  const messages: Message[] = [];
  let current: KnownBlock[] = [];
  let chars = 0;
  const flush = () => {
    if (current.length === 0) return;
    messages.push({ text: text(messages.length), blocks: current });
    current = [];
    chars = 0;
  };
  for (const group of groups) {
    const size = group.reduce((s, b) => s + blockChars(b), 0);
    if (current.length + group.length > MAX_BLOCKS || chars + size > MAX_CHARS) flush();
    for (const b of group) {
      if (current.length + 1 > MAX_BLOCKS || chars + blockChars(b) > MAX_CHARS) flush();
      current.push(b);
      chars += blockChars(b);
    }
  }
  flush();
  return messages;
}

/** What the side by side shows of each proposal, read by the domain (a thread reply's words stand for fields). */
export interface ProposalReading {
  reading: string | null;
  gain: string | null;
  cost: string | null;
}

/** Field sizes of the side by side: whole when the pre-read fits one message, else cut (the P-number links to the rest). */
const WHOLE = { approach: 1900, field: 1900 };
const CUT = { approach: 400, field: 200 };

/** One proposal side by side with the others: the same fields, in the same places, for each. */
function sideBySide(i: PrereadInput, p: Proposal, n: number, size: typeof WHOLE): KnownBlock[] {
  const r = i.readings?.get(p.id) ?? { reading: null, gain: null, cost: null };
  const link = i.links?.get(p.id);
  const name = link ? `*<${link}|P${n}>*` : `*P${n}*`;
  const kind = p.kind === 'informal' ? '_a thread reply_' : optionLabel(p.option_kind);
  const field = (label: string, value: string | null, max = size.field) =>
    md(`*${label}*\n${value ? userText(value, max) : '—'}`);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(`${name} · ${mention(p.author_user_id)} · ${kind}${p.late ? ' · _late_' : ''}`),
      fields: [
        field('Approach', p.approach, size.approach),
        field('Reading', r.reading),
        field(`Gain${i.metric ? ` on ${userText(i.metric, 100)}` : ''}`, r.gain),
        field('Cost', r.cost),
        field('Risks', p.risks),
      ],
    },
  ];
  const past = i.triedBefore?.get(p.id) ?? [];
  if (past.length > 0) {
    blocks.push({
      type: 'context',
      elements: past.slice(0, LIMITS.contextElements).map((h) => md(userText(`Tried before: ${h}`, 600))),
    });
  }
  return blocks;
}

/** Who has not proposed, with those away through the deadline named apart, as away. */
function whoHasNotProposed(without: string[], away: ReadonlyMap<string, string | null> = new Map()): string {
  const present = without.filter((u) => !away.has(u));
  const absent = without.filter((u) => away.has(u));
  const lines = [
    present.length > 0
      ? `*No proposal from* ${mentions(present, 1400)}`
      : absent.length > 0
        ? '*Everyone else invited has proposed.*'
        : '*Everyone invited has proposed.*',
  ];
  if (absent.length > 0) lines.push(`*Away through the deadline:* ${mentions(absent, 1400, away)}`);
  return lines.join('\n');
}

/**
 * The pre-read: a first message (shown in the channel too) with the pitfall flags, who has
 * not proposed, and the proposals side by side, each with what was tried before like it.
 * Each proposal is in the thread already: its P-number links there, and its fields here are
 * whole only when the pre-read fits one message; otherwise they are cut and it takes as
 * many messages as the limits need.
 */
export function prereadMessages(i: PrereadInput): { first: Message; rest: Message[] } {
  const head: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `:books: *Pre-read* for the decision meeting of *${userText(i.projectName, 150)}* on ${when(i.scheduledAt)}\n*${userText(i.question, 2000)}*\n${i.proposals.length} proposal${i.proposals.length === 1 ? '' : 's'} from ${i.participants.length - i.withoutProposals.length} of ${i.participants.length} participants. Read them all before the meeting.`,
      ),
    },
    {
      type: 'section',
      text: md(
        i.flags.length > 0
          ? truncate(
              `*Watch out*\n${i.flags.map((f) => `:warning: ${escapeMrkdwn(f)}`).join('\n')}`,
              LIMITS.sectionText,
            )
          : ':white_check_mark: *Watch out:* none of the usual pitfalls shows in these proposals.',
      ),
    },
    {
      type: 'section',
      text: md(whoHasNotProposed(i.withoutProposals, i.away)),
    },
  ];
  const n = (p: Proposal, k: number) => i.numbers?.get(p.id) ?? k + 1;
  const tail: KnownBlock[] = [];
  if (i.discussion && i.discussion.count > 0) {
    const label = `Discussion (${i.discussion.count} repl${i.discussion.count === 1 ? 'y' : 'ies'})`;
    tail.push({
      type: 'section',
      text: md(
        i.discussion.link ? `*<${i.discussion.link}|${label}>* in the thread` : `*${label}* in the thread`,
      ),
    });
  }
  const pack = (size: typeof WHOLE) => {
    const intro: KnownBlock = {
      type: 'section',
      text: md(i.proposals.length > 0 ? '*Side by side*' : '*Side by side*\n_No proposals yet._'),
    };
    const proposals = i.proposals.map((p, k) => sideBySide(i, p, n(p, k), size));
    const note: KnownBlock[] =
      i.proposals.length > 0 && size === CUT
        ? [{ type: 'context', elements: [md('Each P-number opens that proposal, in full, in the thread.')] }]
        : [];
    return packMessages(
      [head, [intro, ...(proposals[0] ?? [])], ...proposals.slice(1), [...tail, ...note]],
      (k) => (k === 0 ? `Pre-read: ${userText(i.question, 200)}` : 'Pre-read (continued)'),
    );
  };
  const whole = pack(WHOLE);
  const [first, ...rest] = whole.length === 1 ? whole : pack(CUT);
  return { first: first!, rest };
}
