import { describe, expect, it } from 'vitest';
import {
  hypothesisFromProposal,
  hypothesisSentence,
  successFromGain,
  timeboxFromCost,
} from '../../src/rituals/meetings/proposalHypothesis.js';
import { approachSubject, gainMetric } from '../../src/rituals/meetings/proposalText.js';

const RARE = 'recall@10 on rare intents';
const sentence = (
  approach: string,
  expectedGain: string | null,
  metric: string | null,
  baseline: string | null,
) => hypothesisSentence({ approach, expectedGain, metric, baseline });

describe('the hypothesis a chosen proposal suggests', () => {
  it('reads as one sentence: method, verb, whole metric, amount, baseline', () => {
    expect(sentence('ColBERT re-ranking', '+3%', RARE, 'The production ranker')).toBe(
      'ColBERT re-ranking will raise recall@10 on rare intents by 3% over the production ranker',
    );
  });

  it.each([
    ["Let's try ColBERT re-ranking", 'ColBERT re-ranking'],
    ['let us try colbert re-ranking.', 'Colbert re-ranking'],
    ['I propose we try ColBERT re-ranking, because it handles rare words', 'ColBERT re-ranking'],
    ['We should use a cross-encoder reranker (Nogueira et al. 2019)', 'A cross-encoder reranker'],
    ['Proposal: BM25 with query expansion', 'BM25 with query expansion'],
    ['How about LightGBM lambdarank? It is cheap.', 'LightGBM lambdarank'],
    ['Fine-tune BERT on click logs', 'Fine-tuning BERT on click logs'],
    ['Add synthetic rare-intent queries — e.g. paraphrases', 'Adding synthetic rare-intent queries'],
    ['\n\n  Two-tower retrieval\nwith hard negatives', 'Two-tower retrieval'],
    ['Cheap option first, an honest baseline: BM25 with synonyms', 'BM25 with synonyms'],
    ['ColBERT: late interaction over BERT', 'ColBERT: late interaction over BERT'],
  ])('takes the method out of "%s"', (approach, subject) => {
    expect(approachSubject(approach)).toBe(subject);
    expect(sentence(approach, null, RARE, null)).toBe(
      `${subject} will improve recall@10 on rare intents over the baseline`,
    );
  });

  it.each([
    // The gain names the metric: its amount, once, and not its words again.
    [
      '+3% recall@10 over the baseline',
      'will raise recall@10 on rare intents by 3% over the production ranker',
    ],
    [
      'recall@10 on rare intents +3%',
      'will raise recall@10 on rare intents by 3% over the production ranker',
    ],
    ['about 2 points', 'will raise recall@10 on rare intents by 2 points over the production ranker'],
    [
      'from 0.61 to 0.65',
      'will raise recall@10 on rare intents from 0.61 to 0.65 over the production ranker',
    ],
    // No number: no amount made up.
    ['should help a lot', 'will improve recall@10 on rare intents over the production ranker'],
    // Another metric: the bar is the lead's to set, the statement stays on the optimising metric.
    ['+5% NDCG', 'will improve recall@10 on rare intents over the production ranker'],
  ])('states the gain "%s" once', (gain, tail) => {
    const s = sentence('ColBERT re-ranking', gain, RARE, 'The production ranker, v12');
    expect(s).toBe(`ColBERT re-ranking ${tail}`);
    expect(s.match(/3%|2 points|0\.65/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(s).not.toMatch(/over the baseline over|\(|will improve .* will/);
  });

  it('never reads the metric’s own number as the gain', () => {
    expect(sentence('Focal loss', '+2% recall at 1% FPR', 'recall at 1% FPR', null)).toBe(
      'Focal loss will raise recall at 1% FPR by 2% over the baseline',
    );
    expect(sentence('Focal loss', '+2% PR-AUC', 'recall at 1% FPR', null)).toBe(
      'Focal loss will improve recall at 1% FPR over the baseline',
    );
  });

  it('lowers what is better lower', () => {
    expect(sentence('Distilled encoder', '-20 ms', 'p95 latency', 'current encoder')).toBe(
      'Distilled encoder will lower p95 latency by 20 ms over current encoder',
    );
  });

  it('uses the gain’s own comparison and metric when the project has none written down', () => {
    expect(sentence('ColBERT re-ranking', '+3% NDCG over BM25', null, null)).toBe(
      'ColBERT re-ranking will raise NDCG by 3% over BM25',
    );
    expect(sentence('ColBERT re-ranking', null, null, null)).toBe(
      'ColBERT re-ranking will improve the optimising metric over the baseline',
    );
    // A long baseline section is not pasted into the sentence.
    expect(sentence('ColBERT re-ranking', '+3%', RARE, `${'x'.repeat(100)} words`)).toContain(
      'over the baseline',
    );
  });

  it('keeps a long approach within the statement’s 300 characters, cut at a word', () => {
    const s = sentence(`Graph ${'neural '.repeat(60)}network`, '+3%', RARE, null);
    expect(s.length).toBeLessThanOrEqual(300);
    expect(s).toMatch(/neural… will raise recall@10 on rare intents by 3% over the baseline$/);
  });

  it('prefills success criteria only from a gain on the metric with a number', () => {
    expect(successFromGain('+3% recall@10', RARE)).toBe('+3% recall@10');
    expect(successFromGain('+3%', RARE)).toBe('recall@10 on rare intents: +3%');
    expect(successFromGain('+5% NDCG', RARE)).toBe('');
    expect(successFromGain('a lot', RARE)).toBe('');
    expect(successFromGain(null, RARE)).toBe('');
  });

  it('takes the timebox from the cost only when the proposal gave one', () => {
    expect(timeboxFromCost(5)).toEqual({ days: 5, capped: false });
    expect(timeboxFromCost(200)).toEqual({ days: 90, capped: true });
    expect(timeboxFromCost(null)).toBeNull();
    const p = { approach: 'x', expected_gain: null, cost_days: null, author_user_id: 'U1' };
    expect(hypothesisFromProposal(p, { metric: RARE, project_id: 1 }, null).timeboxDays).toBeNull();
  });
});

describe('a gain compared with the whole optimising metric', () => {
  it.each([
    ['+2% recall at 1% FPR', 'recall at 1% FPR', 'on'],
    ['+2% recall@1%FPR', 'recall at 1% FPR', 'on'],
    ['+3% recall@10', RARE, 'on'],
    ['+3% Recall@10 on rare intents', RARE, 'on'],
    ['+2% PR-AUC', 'recall at 1% FPR', 'off'],
    ['+2% recall at 5% FPR', 'recall at 1% FPR', 'off'],
    ['+2% precision-recall AUC', 'recall at 1% FPR', 'off'],
    ['+3% recall@20', RARE, 'off'],
    ['+5% NDCG', RARE, 'off'],
    ['+3% over the baseline', RARE, 'unnamed'],
    ['a few points', RARE, 'unnamed'],
  ] as const)('"%s" against "%s" is %s', (gain, metric, kind) => {
    expect(gainMetric(gain, metric)).toBe(kind);
  });
});
