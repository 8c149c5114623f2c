import type { Button, KnownBlock } from '@slack/types';
import { evidenceMrkdwn } from './evidence.js';
import { dueText, statusLabel, type HypothesisView } from './hypothesis.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, md, mention, plain, slackDate, userText } from './text.js';

/** One page of a list: long lists are paged so no message passes Slack's 50 blocks. */
export const PAGE_SIZE = 15;

export interface Page<T> {
  items: T[];
  page: number;
  total: number;
}

export function paginate<T>(all: T[], page: number, size = PAGE_SIZE): Page<T> {
  const last = Math.max(0, Math.ceil(all.length / size) - 1);
  const p = Math.min(Math.max(0, page), last);
  return { items: all.slice(p * size, p * size + size), page: p, total: all.length };
}

export type ListedHypothesis = HypothesisView & { project_name?: string };

function hypothesisLine(h: ListedHypothesis, now: Date, withProject: boolean): string {
  const project = withProject && h.project_name ? ` _(${userText(h.project_name, 60)})_` : '';
  const statement = userText(h.statement, 400);
  const tail =
    h.status === 'running'
      ? dueText(h, now)
      : h.status === 'proposed'
        ? `proposed, ${h.timebox_days}-day timebox`
        : statusLabel(h.status);
  const evidence = evidenceMrkdwn(h, 1500);
  return `*H${h.number}*${project} ${statement}\n${mention(h.owner_user_id)} · ${tail}${evidence ? `\nEvidence: ${evidence}` : ''}`;
}

const GROUP_TITLE: Record<string, string> = {
  running: 'Running',
  proposed: 'Proposed',
  concluded: 'Concluded',
};
const groupOf = (status: string) => (status === 'running' || status === 'proposed' ? status : 'concluded');

export interface HypothesisListInput {
  title: string;
  page: Page<ListedHypothesis>;
  counts: Record<string, number>;
  now: Date;
  withProject: boolean;
  /** Button value that brings back page N of this same list. */
  pageValue(page: number): string;
  empty: string;
}

export function hypothesisListMessage(input: HypothesisListInput): { text: string; blocks: KnownBlock[] } {
  const { page } = input;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(input.title, LIMITS.headerText) }];
  const c = (s: string) => input.counts[s] ?? 0;
  blocks.push({
    type: 'context',
    elements: [
      md(
        `${c('running')} running · ${c('proposed')} proposed · ${c('validated')} validated · ${c('disproven')} disproven · ${c('inconclusive')} inconclusive · ${c('abandoned')} abandoned`,
      ),
    ],
  });
  if (page.total === 0) {
    blocks.push({ type: 'section', text: md(input.empty) });
    return { text: escapeMrkdwn(input.title), blocks };
  }
  let group = '';
  for (const h of page.items) {
    const g = groupOf(h.status);
    if (g !== group) {
      group = g;
      blocks.push({ type: 'section', text: md(`*${GROUP_TITLE[g]}*`) });
    }
    blocks.push({ type: 'section', text: md(hypothesisLine(h, input.now, input.withProject)) });
  }
  blocks.push(...pager(page, PAGE_SIZE, input.pageValue));
  return { text: escapeMrkdwn(input.title), blocks };
}

function pager<T>(page: Page<T>, size: number, value: (page: number) => string): KnownBlock[] {
  const pages = Math.ceil(page.total / size);
  if (pages <= 1) return [];
  const buttons: Button[] = [];
  if (page.page > 0)
    buttons.push({
      type: 'button',
      action_id: `${ids.list.page}.prev`,
      text: plain('Previous', 75),
      value: value(page.page - 1),
    });
  if (page.page < pages - 1)
    buttons.push({
      type: 'button',
      action_id: `${ids.list.page}.next`,
      text: plain('Next', 75),
      value: value(page.page + 1),
    });
  return [
    { type: 'context', elements: [md(`Page ${page.page + 1} of ${pages} · ${page.total} in all`)] },
    { type: 'actions', elements: buttons },
  ];
}

export interface LogLine {
  id: number;
  kind: string;
  text: string;
  author_user_id: string;
  created_at: Date;
  permalink: string | null;
}

const KIND_ICON: Record<string, string> = {
  project_created: ':seedling:',
  project_edited: ':busts_in_silhouette:',
  hypothesis_created: ':memo:',
  hypothesis_edited: ':pencil2:',
  hypothesis_started: ':hourglass_flowing_sand:',
  hypothesis_concluded: ':checkered_flag:',
  hypothesis_extended: ':stopwatch:',
  hypothesis_abandoned: ':wastebasket:',
  design_doc_edited: ':page_facing_up:',
  decision: ':scales:',
  note: ':pushpin:',
  time_spent: ':clock3:',
};

export const LOG_PAGE = 15;

export function experimentLogMessage(input: {
  projectName: string;
  entries: LogLine[];
  hasOlder: boolean;
  olderValue: string;
}): { text: string; blocks: KnownBlock[] } {
  const title = `Experiment log · ${input.projectName}`;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title, LIMITS.headerText) }];
  if (input.entries.length === 0) {
    blocks.push({
      type: 'section',
      text: md('Nothing logged yet. Hypotheses, check-ins, decisions and design-doc edits land here.'),
    });
    return { text: escapeMrkdwn(title), blocks };
  }
  for (const e of input.entries) {
    const link = e.permalink ? ` · <${e.permalink}|message>` : '';
    const when = slackDate(e.created_at, e.created_at.toISOString().slice(0, 10), '{date_short} {time}');
    blocks.push({
      type: 'section',
      text: md(
        `${KIND_ICON[e.kind] ?? ':small_blue_diamond:'} ${userText(e.text, 2500)}\n${when} · ${mention(e.author_user_id)}${link}`,
      ),
    });
  }
  if (input.hasOlder) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ids.log.older,
          text: plain('Older entries', 75),
          value: input.olderValue,
        },
      ],
    });
  }
  return { text: escapeMrkdwn(title), blocks };
}
