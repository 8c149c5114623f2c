import { describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../blocks/text.js';
import { designDocMarkdown } from '../../src/rituals/plan/designDoc.js';
import {
  barError,
  BASELINE_NONE,
  hasMeasurableBar,
  validateHypothesisDraft,
  validateHypothesisForm,
} from '../../src/rituals/plan/hypothesisDraft.js';
import { canEditDesignDoc, canEditHypothesis } from '../../src/rituals/plan/permissions.js';

const form = (overrides: Record<string, unknown> = {}) => ({
  projectId: '7',
  statement: 'Focal loss will improve recall on rare classes by 5% over the baseline',
  method: 'Swap cross-entropy for focal loss, gamma 2',
  metric: 'recall@10 on rare classes',
  baseline: 'production model v12',
  successCriteria: 'recall on rare classes +5% over baseline, others down 1% at most',
  timeboxDays: '14',
  ownerUserId: 'U0ALICE',
  nextOnFailure: 'try H2: oversampling',
  nextOnSuccess: 'ship behind a flag',
  startNow: 'now',
  ...overrides,
});

describe('a hypothesis draft', () => {
  it('turns form values into typed fields', () => {
    const result = validateHypothesisDraft(form());
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        projectId: 7,
        timeboxDays: 14,
        startNow: true,
        ownerUserId: 'U0ALICE',
      }),
    });
  });

  it('keeps optional fields empty as null and "proposed" as not started', () => {
    const result = validateHypothesisDraft(form({ method: null, metric: '  ', startNow: 'proposed' }));
    expect(result.ok && result.value).toMatchObject({ method: null, metric: null, startNow: false });
  });

  it.each([
    ['timeboxDays', '0', /at least 1 day/],
    ['timeboxDays', '91', /at most 90 days/],
    ['timeboxDays', '2.5', /whole days/],
    ['statement', '   ', /Write the hypothesis/],
    ['successCriteria', 'improve the model', /measurable bar/],
    ['successCriteria', null, /with a number/],
    ['statement', 'x'.repeat(301), /under 300 characters/],
  ])('rejects %s = %j with a message on that field', (field, value, message) => {
    const result = validateHypothesisDraft(form({ [field]: value }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors)).toEqual([field]);
      expect(result.errors[field as keyof typeof result.errors]).toMatch(message);
    }
  });

  it('asks for a timebox instead of assuming one', () => {
    const result = validateHypothesisDraft(form({ timeboxDays: null }));
    expect(!result.ok && result.errors.timeboxDays).toMatch(/Pick the timebox/);
  });

  it('asks for the metric and a baseline, "none yet" being an answer', () => {
    const missing = validateHypothesisForm(form({ metric: ' ', baseline: null }));
    expect(!missing.ok && missing.errors).toEqual({
      metric: expect.stringMatching(/Name the metric/),
      baseline: expect.stringMatching(/None yet: this hypothesis establishes it/),
    });
    const none = validateHypothesisForm(form({ baseline: null, baselineNone: ['none'] }));
    expect(none.ok && none.value.baseline).toBe(BASELINE_NONE);
  });

  it('agrees with the form’s hint on what a bar is', () => {
    // The hint's examples: two too vague, one good; and the template's own blank.
    expect(barError('improve the model')).toMatch(/number/);
    expect(barError('improve recall')).toMatch(/"improve recall" cannot be checked/);
    expect(barError('recall on class C +5% over baseline, others down 1% at most')).toBeNull();
    expect(barError('Improve AUC by X%')).toMatch(/Replace the X/);
    expect(barError('AUC +2% over the baseline')).toBeNull();
    expect(barError('XGBoost beats the baseline by 3%')).toBeNull();
  });

  it('knows a bar from a wish', () => {
    expect(hasMeasurableBar('improve recall')).toBe(false);
    expect(hasMeasurableBar('p95 latency under 40 ms')).toBe(true);
  });
});

describe('permissions', () => {
  const h = { owner_user_id: 'U0OWNER', lead_user_id: 'U0LEAD', number: 3 };
  it('lets the owner and the lead edit a hypothesis, and tells anyone else who may', () => {
    expect(canEditHypothesis('U0OWNER', h)).toEqual({ allowed: true });
    expect(canEditHypothesis('U0LEAD', h)).toEqual({ allowed: true });
    expect(canEditHypothesis('U0OTHER', h)).toEqual({
      allowed: false,
      reason: "Only H3's owner <@U0OWNER> or the project lead <@U0LEAD> can change it.",
    });
  });

  it('lets the lead and members edit the design doc', () => {
    const project = { lead_user_id: 'U0LEAD', name: '<!here> Ranking' };
    expect(canEditDesignDoc('U0LEAD', project, false).allowed).toBe(true);
    expect(canEditDesignDoc('U0MEMBER', project, true).allowed).toBe(true);
    const refused = canEditDesignDoc('U0OTHER', project, false);
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).toContain('&lt;!here&gt; Ranking');
  });
});

describe('the Markdown export', () => {
  it('reads like the template: every section in order, written or not, then the log', () => {
    const at = new Date('2026-11-20T10:00:00Z');
    const md = designDocMarkdown(
      { name: 'Ranking', phase: 'define', lead_user_id: 'U0LEAD' },
      [
        {
          section: 'problem',
          content: 'Search results miss rare intents.',
          author_user_id: 'U0LEAD',
          created_at: at,
        },
        {
          section: 'baseline',
          content: 'BM25 plus the v12 reranker.',
          author_user_id: 'U0BOB',
          created_at: at,
        },
      ],
      [{ created_at: at, kind: 'hypothesis_created', text: 'H1 started: focal loss' }],
      (id) => `@${id}`,
    );
    const headings = md.split('\n').filter((l) => l.startsWith('## '));
    // The design-doc template of DOMAIN.md, in its order.
    expect(headings).toEqual([
      '## Problem statement',
      '## Business value',
      '## Software goals',
      '## Metric goals',
      '## Expected trade-offs',
      '## Data motivation',
      '## Baseline',
      '## Software design',
      '## Delivery plan',
      '## Launch criteria',
      '## What could go wrong',
      '## Security and privacy',
      '## Appendix: experiment log',
    ]);
    expect(md).toContain('Search results miss rare intents.');
    expect(md).toContain('BM25 plus the v12 reranker.');
    expect(md).toContain('Last edited by @U0BOB on 2026-11-20');
    expect(md).toContain('- 2026-11-20 · hypothesis created · H1 started: focal loss');
  });
});

describe('user text', () => {
  it('is shown, never obeyed', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> <https://x.io|click>')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://x.io|click&gt;',
    );
    expect(escapeMrkdwn('hey @channel and @here')).not.toMatch(/@(channel|here)\b/);
  });
});
