import type { KnownBlock } from '@slack/types';
import { EVIDENCE_LABELS, EVIDENCE_LIMITS } from '../src/rituals/evidence/evidenceForm.js';
import { describeRunLink } from '../src/rituals/evidence/runLinks.js';
import { plain, userText } from './text.js';

/** What every surface shows of a hypothesis' evidence. */
export interface EvidenceView {
  run_links?: string[];
  dataset_version?: string | null;
  random_seed?: string | null;
  tracker_metric_key?: string | null;
}

/** A URL inside `<url|label>`: Slack's three control characters and the label bar escaped. */
const slackUrl = (url: string) =>
  url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');

/** "<…|W&B run 3f2a> · <…|GitHub PR acme/ranker#12> · dataset v3 · seed 42", or null when there is none. */
export function evidenceMrkdwn(e: EvidenceView, max = 1900): string | null {
  const parts = (e.run_links ?? []).map((url) => {
    const label = describeRunLink(url).label.replace(/[|<>]/g, ' ');
    return `<${slackUrl(url)}|${userText(label, 120)}>`;
  });
  if (e.dataset_version) parts.push(`dataset ${userText(e.dataset_version, 100)}`);
  if (e.random_seed) parts.push(`seed ${userText(e.random_seed, 40)}`);
  if (parts.length === 0) return null;
  // Links are never cut mid-way (a half link is a broken one): whole parts while they fit.
  const kept: string[] = [];
  let length = 0;
  for (const part of parts) {
    if (length + part.length + 3 > max - 20) break;
    kept.push(part);
    length += part.length + 3;
  }
  const more = parts.length - kept.length;
  return kept.join(' · ') + (more > 0 ? ` · and ${more} more in \`/hypothesis export\`` : '');
}

function input(
  blockId: keyof typeof EVIDENCE_LABELS,
  opts: { max: number; multiline?: boolean; initial?: string | null; hint?: string; placeholder?: string },
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(EVIDENCE_LABELS[blockId], 2000),
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      multiline: opts.multiline ?? false,
      max_length: opts.max,
      ...(opts.initial ? { initial_value: opts.initial.slice(0, opts.max) } : {}),
      ...(opts.placeholder ? { placeholder: plain(opts.placeholder, 150) } : {}),
    },
  };
}

/** The evidence inputs, as the hypothesis modal and the check-in form both ask for them. */
export function evidenceInputs(
  initial: Partial<EvidenceView>,
  opts: { askMetricKey: boolean },
): KnownBlock[] {
  const blocks = [
    input('runLinks', {
      max: EVIDENCE_LIMITS.runLinks,
      multiline: true,
      initial: initial.run_links?.join('\n'),
      hint: 'One link per line: W&B or MLflow runs, notebooks, dashboards, commits, pull requests.',
      placeholder: 'https://wandb.ai/team/project/runs/3f2a9c',
    }),
    input('datasetVersion', {
      max: EVIDENCE_LIMITS.datasetVersion,
      initial: initial.dataset_version,
      placeholder: 'e.g. intents-2026-11 v3',
    }),
    input('randomSeed', {
      max: EVIDENCE_LIMITS.randomSeed,
      initial: initial.random_seed,
      placeholder: 'e.g. 42',
    }),
  ];
  if (opts.askMetricKey)
    blocks.push(
      input('trackerMetricKey', {
        max: EVIDENCE_LIMITS.trackerMetricKey,
        initial: initial.tracker_metric_key,
        hint: 'Only when the run logs the metric under another name; otherwise it is matched by the metric above.',
        placeholder: 'e.g. val/recall_at_10',
      }),
    );
  return blocks;
}

/** "AUC 0.923 in MLflow run 3f2a…; bar: +2% over 0.910": the trackers' numbers beside the bar. */
export const metricLine = (hints: string[], bar: string): string =>
  `${hints.map((m) => userText(m, 300)).join(' · ')}; bar: ${userText(bar, 500)}`;
