import type { Proposal } from '../../db/schema/index.js';

/** The pitfalls of ML projects (seed 004) a pre-read can see in the proposals themselves. */
export type Pitfall = 'one_architecture' | 'no_reading' | 'no_simple_option' | 'no_cost' | 'gain_off_metric';

export interface PitfallInput {
  proposals: Pick<
    Proposal,
    'kind' | 'approach' | 'related_work' | 'no_reading' | 'option_kind' | 'cost_days' | 'expected_gain'
  >[];
  /** The project's optimising metric, if anyone named it. */
  metric: string | null;
  /** The design doc's baseline section, if written. */
  baseline: string | null;
}

const CITATION = /https?:\/\/|arxiv|doi\.org|\bet al\b|\(\d{4}\)/i;

const normalise = (s: string) =>
  s
    .toLowerCase()
    .split('\n')[0]!
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The first word of the metric ("recall@10 on rare intents" → "recall@10") is what a gain must name. */
const metricKey = (metric: string) => metric.trim().split(/\s+/)[0]!.toLowerCase();

/**
 * The pitfall flags that apply, each as a plain sentence. Pure: the pre-read and the
 * tests call it the same way.
 */
export function pitfallFlags(input: PitfallInput): { pitfall: Pitfall; sentence: string }[] {
  const { proposals } = input;
  const formal = proposals.filter((p) => p.kind === 'formal');
  const flags: { pitfall: Pitfall; sentence: string }[] = [];
  const approaches = new Set(proposals.map((p) => normalise(p.approach)));
  if (proposals.length <= 1 || approaches.size === 1) {
    flags.push({
      pitfall: 'one_architecture',
      sentence:
        proposals.length <= 1
          ? 'Only one architecture is on the table: there is a single proposal. Consider different architecture options before committing weeks to one.'
          : 'Only one architecture is on the table: every proposal suggests the same approach. Consider different architecture options before committing weeks to one.',
    });
  }
  const cites = proposals.some((p) =>
    p.kind === 'formal' ? Boolean(p.related_work) : CITATION.test(p.approach),
  );
  if (!cites) {
    flags.push({
      pitfall: 'no_reading',
      sentence:
        'No proposal cites related work. Someone may have solved this already: review the literature before reinventing the wheel.',
    });
  }
  if (!formal.some((p) => p.option_kind === 'simple') && !input.baseline) {
    flags.push({
      pitfall: 'no_simple_option',
      sentence:
        'There is no simple or standard option on the table and the design doc names no baseline to beat, so nothing says how much the complex options must win by.',
    });
  }
  if (!formal.some((p) => p.cost_days !== null)) {
    flags.push({
      pitfall: 'no_cost',
      sentence:
        'No proposal estimates its cost to implement, so the options cannot be weighed cost against benefit.',
    });
  }
  const offMetric = formal.filter(
    (p) =>
      !input.metric || !p.expected_gain || !p.expected_gain.toLowerCase().includes(metricKey(input.metric)),
  );
  if (formal.length === 0 || offMetric.length > 0) {
    flags.push({
      pitfall: 'gain_off_metric',
      sentence: input.metric
        ? `The expected gains are not all stated on the project's optimising metric (${input.metric}): ${formal.length === 0 ? 'no proposal states a gain' : `${offMetric.length} of ${formal.length} proposals do not`}. Good offline numbers on another metric may not move what the customer feels.`
        : "The expected gains are not stated on the project's optimising metric: the project has none written down. Name it in the design doc's metric goals so the options can be compared.",
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
