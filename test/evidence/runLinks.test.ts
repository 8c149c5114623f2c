import { describe, expect, it } from 'vitest';
import { evidenceMrkdwn } from '../../blocks/evidence.js';
import { matchMetric } from '../../src/rituals/evidence/metricValue.js';
import {
  describeRunLink,
  evidenceMarkdown,
  parseRunLinks,
  trackedRuns,
} from '../../src/rituals/evidence/runLinks.js';

describe('naming a run link', () => {
  it('names a W&B run by its id and knows its entity and project', () => {
    expect(describeRunLink('https://wandb.ai/acme/ranker/runs/3f2a9c?workspace=user-ana')).toEqual({
      url: 'https://wandb.ai/acme/ranker/runs/3f2a9c?workspace=user-ana',
      label: 'W&B run 3f2a9c',
      run: { tracker: 'wandb', entity: 'acme', project: 'ranker', runId: '3f2a9c' },
    });
  });

  it('names an MLflow UI run by its id, with or without a tab after it', () => {
    expect(describeRunLink('http://mlflow.internal:5000/#/experiments/7/runs/3f2a0b1c')).toMatchObject({
      label: 'MLflow run 3f2a0b1c',
      run: { tracker: 'mlflow', experimentId: '7', runId: '3f2a0b1c' },
    });
    expect(describeRunLink('https://ml.example.com/mlflow/#/experiments/7/runs/abc123/artifacts').label).toBe(
      'MLflow run abc123',
    );
  });

  it('names GitHub and GitLab commits and pull/merge requests', () => {
    expect(describeRunLink('https://github.com/acme/ranker/commit/0123456789abcdef').label).toBe(
      'GitHub commit 0123456 (acme/ranker)',
    );
    expect(describeRunLink('https://github.com/acme/ranker/pull/42/files').label).toBe(
      'GitHub PR acme/ranker#42',
    );
    expect(describeRunLink('https://gitlab.com/acme/ml/ranker/-/commit/fedcba9876543210').label).toBe(
      'GitLab commit fedcba9 (acme/ml/ranker)',
    );
    expect(describeRunLink('https://gitlab.example.org/acme/ranker/-/merge_requests/7').label).toBe(
      'GitLab MR acme/ranker!7',
    );
  });

  it('names anything else by its host, and only tracker runs are tracked', () => {
    const notebook = 'https://colab.research.google.com/drive/1abc';
    expect(describeRunLink(notebook)).toEqual({
      url: notebook,
      label: 'colab.research.google.com',
      run: null,
    });
    expect(describeRunLink('https://wandb.ai/acme/ranker/reports/xyz').run).toBeNull();
    expect(
      trackedRuns([notebook, 'https://wandb.ai/a/b/runs/r1', 'http://m:5000/#/experiments/1/runs/r2']),
    ).toEqual([
      { label: 'W&B run r1', run: { tracker: 'wandb', entity: 'a', project: 'b', runId: 'r1' } },
      { label: 'MLflow run r2', run: { tracker: 'mlflow', experimentId: '1', runId: 'r2' } },
    ]);
  });
});

describe('reading the links typed into a form', () => {
  it('takes one link per line (or separated by commas), drops blanks and repeats', () => {
    expect(
      parseRunLinks(
        ' https://wandb.ai/a/b/runs/r1 \n\nhttps://github.com/a/b/pull/1, https://wandb.ai/a/b/runs/r1\n',
        'Runs and artifacts',
      ),
    ).toEqual({ ok: true, links: ['https://wandb.ai/a/b/runs/r1', 'https://github.com/a/b/pull/1'] });
    expect(parseRunLinks(null, 'Runs and artifacts')).toEqual({ ok: true, links: [] });
  });

  it('refuses what is not an http(s) link, naming the field and the word', () => {
    expect(parseRunLinks('https://wandb.ai/a/b/runs/r1\nwandb run 12', 'Runs and artifacts')).toEqual({
      ok: false,
      error:
        'Runs and artifacts: “wandb” is not a link. Paste whole URLs starting with https://, one per line.',
    });
    expect(parseRunLinks('javascript:alert(1)', 'Runs and artifacts')).toMatchObject({ ok: false });
    expect(parseRunLinks('ftp://files.example.com/x', 'Runs and artifacts')).toMatchObject({ ok: false });
  });

  it('refuses more than ten links', () => {
    const many = Array.from({ length: 11 }, (_, i) => `https://wandb.ai/a/b/runs/r${i}`).join('\n');
    expect(parseRunLinks(many, 'Runs and artifacts')).toMatchObject({
      ok: false,
      error: expect.stringContaining('at most 10 links'),
    });
  });
});

describe('showing the evidence', () => {
  const e = {
    run_links: ['https://wandb.ai/a/b/runs/r1', 'https://example.com/x?a=1&b=<2>|3'],
    dataset_version: 'intents v3',
    random_seed: '42',
  };

  it('in Slack: named links with the control characters escaped, dataset and seed', () => {
    expect(evidenceMrkdwn(e)).toBe(
      '<https://wandb.ai/a/b/runs/r1|W&amp;B run r1> · <https://example.com/x?a=1&amp;b=%3C2%3E%7C3|example.com> · dataset intents v3 · seed 42',
    );
    expect(evidenceMrkdwn({ run_links: [], dataset_version: null, random_seed: null })).toBeNull();
  });

  it('in Slack: never cuts a link in half; what does not fit is counted', () => {
    const long = Array.from({ length: 10 }, (_, i) => `https://example.com/${'x'.repeat(400)}${i}`);
    const shown = evidenceMrkdwn({ run_links: long }, 1900)!;
    expect(shown.length).toBeLessThanOrEqual(1900);
    expect(shown).toMatch(/ · and 6 more in `\/hypothesis export`$/);
    expect(shown.match(/<https/g)).toHaveLength(4);
  });

  it('in Markdown: links as Markdown links', () => {
    expect(
      evidenceMarkdown({ ...e, run_links: ['https://wandb.ai/a/b/runs/r1', 'https://x.org/a_(b)'] }),
    ).toBe(
      '[W&B run r1](https://wandb.ai/a/b/runs/r1) · [x.org](https://x.org/a_%28b%29) · dataset intents v3 · seed 42',
    );
  });
});

describe('matching the hypothesis’ metric to a run’s keys', () => {
  const metrics = { val_AUC: 0.92, val_auc_std: 0.01, 'Recall@10': 0.41, loss: 0.3 };
  it('ignores case and punctuation, prefers an exact match, then the shortest key containing it', () => {
    expect(matchMetric(metrics, 'recall@10')).toEqual({ key: 'Recall@10', value: 0.41 });
    expect(matchMetric(metrics, 'recall 10')).toEqual({ key: 'Recall@10', value: 0.41 });
    expect(matchMetric(metrics, 'AUC')).toEqual({ key: 'val_AUC', value: 0.92 });
    expect(matchMetric(metrics, 'precision')).toBeNull();
    expect(matchMetric(metrics, '—')).toBeNull();
  });
});
