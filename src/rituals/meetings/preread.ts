import type { Proposal } from '../../db/schema/index.js';
import type { HypothesisStatus } from '../../db/schema/index.js';
import type { ProposalReading } from '../../../blocks/meetingPreread.js';
import { approachSubject, gainMetric } from './proposalText.js';

/** The pitfalls of ML projects (seed 004) a pre-read can see in the proposals themselves. */
export type Pitfall =
  | 'one_architecture'
  | 'no_reading'
  | 'no_simple_option'
  | 'no_cost'
  | 'gain_off_metric'
  | 'repeats_disproven';

export type PitfallProposal = Pick<
  Proposal,
  'id' | 'kind' | 'approach' | 'related_work' | 'no_reading' | 'option_kind' | 'cost_days' | 'expected_gain'
>;

/** A past hypothesis close to a proposal, as the pre-read's "Tried before" lists it. */
export interface PastMatch {
  number: number;
  projectName: string;
  status: HypothesisStatus;
  statement: string;
  learnings: string | null;
  result: string | null;
  concludedAt: Date | null;
  /** Share of the proposal's words the past hypothesis holds, 0–1. */
  similarity: number;
}

export interface PitfallInput {
  proposals: PitfallProposal[];
  /** The project's optimising metric, if anyone named it. */
  metric: string | null;
  /** The design doc's baseline section, if written. */
  baseline: string | null;
  /** Stable proposal numbers (P1, P2, …); default their order here. */
  numbers?: Map<number, number>;
  /** Per proposal id: the closest past hypotheses, most similar first. */
  triedBefore?: Map<number, PastMatch[]>;
}

export interface PitfallFlag {
  pitfall: Pitfall;
  sentence: string;
  /** The proposals the flag is about (ids). */
  proposals: number[];
}

/** A past hypothesis holding this share of a proposal's words is the same idea, not a neighbour. */
export const STRONG_SIMILARITY = 0.6;

const CITATION = /https?:\/\/|arxiv|doi\.org|\bet al\b|\(\d{4}\)|\b(?:paper|papers)\b/i;

/**
 * A thread reply offering the cheap, standard way: "cheap option first, an honest baseline".
 * "Over the baseline" is a comparison, not an option: only a baseline someone would build counts.
 */
const SIMPLE_OPTION =
  /\b(?:simple|simplest|cheap|cheapest|heuristic|heuristics|standard|off[- ]the[- ]shelf|rule[- ]based|logistic regression|linear model|bm25|tf-?idf)\b|\b(?:a|an|honest|strong|simple|first|quick)\s+baseline\b/i;

/** A thread reply's cost estimate: "about two weeks", "3 days", "a sprint". */
const COST =
  /\b\d+(?:[.,]\d+)?\s*(?:days?|d|weeks?|wks?|w|hours?|hrs?|h|sprints?|months?)\b|\b(?:a|an|one|two|three|four|five|six|half a|a couple of|a few)\s+(?:days?|weeks?|sprints?|months?)\b/i;

/** A thread reply's expected gain: a signed amount, or "by"/"gain of" an amount, with what follows. */
const GAIN = /(?:[+−]\s*|\bby\s+|\bgains?\s+(?:of\s+)?)\d+(?:[.,]\d+)?\s*(?:%|pp\b|points?\b)[^.;\n]{0,60}/i;

const cites = (p: PitfallProposal) =>
  p.kind === 'formal' ? Boolean(p.related_work) : CITATION.test(p.approach);
const isSimple = (p: PitfallProposal) =>
  p.kind === 'formal' ? p.option_kind === 'simple' : SIMPLE_OPTION.test(p.approach);
const costed = (p: PitfallProposal) => (p.kind === 'formal' ? p.cost_days !== null : COST.test(p.approach));
/** The gain a proposal states: the form's field, or the amount a thread reply names. */
export const gainOf = (p: PitfallProposal): string | null =>
  p.kind === 'formal' ? p.expected_gain?.trim() || null : (GAIN.exec(p.approach)?.[0].trim() ?? null);

/** What the side by side shows of a proposal: the form's fields, or what a thread reply's words say. */
export function readProposal(p: PitfallProposal): ProposalReading {
  if (p.kind === 'formal') {
    return {
      reading: p.no_reading ? 'no reading needed' : p.related_work,
      gain: gainOf(p),
      cost: p.cost_days === null ? null : `${p.cost_days} day${p.cost_days === 1 ? '' : 's'}`,
    };
  }
  const cited =
    /https?:\/\/[^\s>|]+/i.exec(p.approach)?.[0] ?? (CITATION.test(p.approach) ? 'cited in the reply' : null);
  return { reading: cited, gain: gainOf(p), cost: COST.exec(p.approach)?.[0] ?? null };
}

const sameIdea = (approach: string) =>
  approachSubject(approach)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** "P1", "P1 and P2", "P1, P2 and P3". */
export function joinNames(names: string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const day = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "H4 disproven on 12 Nov: query expansion adds noise on tail queries" — what the record says of it. */
export function pastLine(h: PastMatch, project?: string): string {
  const where = project && h.projectName !== project ? ` in ${h.projectName}` : '';
  const when = h.concludedAt ? ` on ${day(h.concludedAt)}` : '';
  const lesson = (h.learnings ?? h.result ?? h.statement).split('\n')[0]!.trim();
  return `H${h.number}${where} ${h.status}${when}: ${lesson}`;
}

/**
 * The pitfall flags that apply, each as a plain sentence naming the proposals it is about.
 * Every flag reads every proposal, thread replies included (their words stand for the
 * form's fields). Pure: the pre-read and the tests call it the same way.
 */
export function pitfallFlags(input: PitfallInput): PitfallFlag[] {
  const { proposals } = input;
  const name = (p: PitfallProposal) => `P${input.numbers?.get(p.id) ?? proposals.indexOf(p) + 1}`;
  const names = (ps: PitfallProposal[]) => joinNames(ps.map(name));
  const ids = (ps: PitfallProposal[]) => ps.map((p) => p.id);
  const flags: PitfallFlag[] = [];

  const ideas = new Set(proposals.map((p) => sameIdea(p.approach)));
  if (proposals.length <= 1 || ideas.size === 1) {
    flags.push({
      pitfall: 'one_architecture',
      sentence:
        proposals.length === 0
          ? 'No architecture is on the table yet: there is no proposal. Consider different architecture options before committing weeks to one.'
          : proposals.length === 1
            ? `Only one architecture is on the table: ${names(proposals)} is the single proposal. Consider different architecture options before committing weeks to one.`
            : `Only one architecture is on the table: ${names(proposals)} ${proposals.length === 2 ? 'both' : 'all'} suggest ${approachSubject(proposals[0]!.approach)}. Consider different architecture options before committing weeks to one.`,
      proposals: ids(proposals),
    });
  }

  if (proposals.length > 0 && !proposals.some(cites)) {
    flags.push({
      pitfall: 'no_reading',
      sentence: `No proposal cites related work (${names(proposals)}). Someone may have solved this already: review the literature before reinventing the wheel.`,
      proposals: ids(proposals),
    });
  }

  if (proposals.length > 0 && !proposals.some(isSimple) && !input.baseline) {
    flags.push({
      pitfall: 'no_simple_option',
      sentence: `None of ${names(proposals)} is a simple or standard option, and the design doc names no baseline to beat, so nothing says how much the complex options must win by.`,
      proposals: ids(proposals),
    });
  }

  const uncosted = proposals.filter((p) => !costed(p));
  if (uncosted.length > 0) {
    flags.push({
      pitfall: 'no_cost',
      sentence: `${names(uncosted)} ${uncosted.length === 1 ? 'gives' : 'give'} no cost to implement, so the options cannot be weighed cost against benefit.`,
      proposals: ids(uncosted),
    });
  }

  if (!input.metric) {
    flags.push({
      pitfall: 'gain_off_metric',
      sentence:
        "The expected gains are not stated on the project's optimising metric: the project has none written down. Name it in the design doc's metric goals so the options can be compared.",
      proposals: ids(proposals),
    });
  } else {
    const metric = input.metric;
    const off = proposals.filter((p) => {
      const gain = gainOf(p);
      return gain !== null && gainMetric(gain, metric) === 'off';
    });
    const none = proposals.filter((p) => gainOf(p) === null);
    if (off.length + none.length > 0) {
      const parts = [
        ...off.map((p) => `${name(p)} states its gain as “${gainOf(p)}”`),
        ...(none.length > 0 ? [`${names(none)} ${none.length === 1 ? 'states' : 'state'} no gain`] : []),
      ];
      flags.push({
        pitfall: 'gain_off_metric',
        sentence: `Not every expected gain is on the optimising metric, ${metric}: ${parts.join('; ')}. Good offline numbers on another metric may not move what the customer feels.`,
        proposals: ids([...off, ...none]),
      });
    }
  }

  for (const p of proposals) {
    const dead = input.triedBefore
      ?.get(p.id)
      ?.find((h) => h.status === 'disproven' && h.similarity >= STRONG_SIMILARITY);
    if (!dead) continue;
    flags.push({
      pitfall: 'repeats_disproven',
      sentence: `${name(p)} repeats a disproven hypothesis: ${pastLine(dead)}. Say what is different this time, or leave that dead end alone.`,
      proposals: [p.id],
    });
  }
  return flags;
}

/** Participants with no live proposal, formal or informal, in the order they were invited. */
export function withoutProposals(
  participants: string[],
  proposals: Pick<Proposal, 'author_user_id'>[],
): string[] {
  const authors = new Set(proposals.map((p) => p.author_user_id));
  return participants.filter((u) => !authors.has(u));
}
