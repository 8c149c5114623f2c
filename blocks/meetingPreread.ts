import type { KnownBlock } from '@slack/types';
import type { Proposal } from '../src/db/schema/index.js';
import { LIMITS } from './limits.js';
import { mentions, optionLabel, proposalBlocks, when, type Message } from './meeting.js';
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

/** One line per proposal: author, kind, cost, gain, approach, so they can be read side by side. */
function summaryLine(p: Proposal, n: number): string {
  const late = p.late ? ' · _late_' : '';
  const facts =
    p.kind === 'formal'
      ? ` · ${optionLabel(p.option_kind)} · ${p.cost_days ? `${p.cost_days} d` : 'no cost'} · gain: ${userText(p.expected_gain ?? '—', 80)} · ${p.no_reading ? 'no reading' : p.related_work ? 'cites work' : 'no reading'}`
      : ' · informal';
  return `*P${n}* ${mention(p.author_user_id)}${facts}${late}\n      ${userText(truncate(p.approach.split('\n')[0]!, 140), 400)}`;
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
 * The pre-read: a first message (shown in the channel too) with the side-by-side summary,
 * the pitfall flags and who has not proposed; then every proposal in full, in as many
 * thread messages as the limits need.
 */
export function prereadMessages(i: PrereadInput): { first: Message; rest: Message[] } {
  const head: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `:books: *Pre-read* for the decision meeting of *${userText(i.projectName, 150)}* on ${when(i.scheduledAt)}\n*${userText(i.question, 2000)}*\n${i.proposals.length} proposal${i.proposals.length === 1 ? '' : 's'} from ${i.participants.length - i.withoutProposals.length} of ${i.participants.length} participants. Read them all before the meeting: it exists to decide, not to keep researching.`,
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
  // Summary lines go in sections of at most ~2,900 characters each.
  const summary: KnownBlock[] = [];
  let buffer = '*Side by side*';
  const n = (p: Proposal, k: number) => i.numbers?.get(p.id) ?? k + 1;
  i.proposals.forEach((p, k) => {
    const line = summaryLine(p, n(p, k));
    if (buffer.length + line.length + 1 > 2900) {
      summary.push({ type: 'section', text: md(buffer) });
      buffer = '';
    }
    buffer = buffer ? `${buffer}\n${line}` : line;
  });
  if (i.proposals.length > 0) summary.push({ type: 'section', text: md(buffer) });
  else summary.push({ type: 'section', text: md('_No proposals yet._') });
  if (i.discussion && i.discussion.count > 0) {
    const label = `Discussion (${i.discussion.count} repl${i.discussion.count === 1 ? 'y' : 'ies'})`;
    summary.push({
      type: 'section',
      text: md(
        i.discussion.link ? `*<${i.discussion.link}|${label}>* in the thread` : `*${label}* in the thread`,
      ),
    });
  }
  if (i.proposals.length > 0) {
    summary.push({ type: 'context', elements: [md('Every proposal in full follows in this thread.')] });
  }

  const [first, ...overflow] = packMessages([head, summary], (n) =>
    n === 0 ? `Pre-read: ${userText(i.question, 200)}` : 'Pre-read (continued)',
  );
  const full = i.proposals.map((p, k) => [
    { type: 'divider' as const },
    ...proposalBlocks(p, n(p, k), { metric: i.metric, buttons: false }),
  ]);
  const rest = [...overflow, ...packMessages(full, (n) => `Pre-read, the proposals in full (${n + 1})`)];
  return { first: first!, rest };
}
