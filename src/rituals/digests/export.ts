import type {
  DesignDocRevision,
  ExperimentLogEntry,
  Hypothesis,
  HypothesisExtension,
} from '../../db/schema/index.js';
import { count } from '../../../blocks/text.js';
import { evidenceMarkdown } from '../evidence/runLinks.js';
import { designDocMarkdown, mentionedIn, slackToMarkdown } from '../plan/designDoc.js';

/**
 * `/hypothesis export`: the project's whole record as Markdown (design doc, every
 * hypothesis with its outcome, extensions and learnings, decisions, the experiment log)
 * and the log as CSV, for reading outside Slack and for estimating the next project.
 */
export interface ProjectRecord {
  project: { name: string; phase: string; stage: string; lead_user_id: string };
  revisions: Pick<DesignDocRevision, 'section' | 'content' | 'author_user_id' | 'created_at'>[];
  hypotheses: Hypothesis[];
  extensions: HypothesisExtension[];
  meetings: {
    id: number;
    question: string;
    scheduled_at: Date;
    status: string;
    decision: string | null;
    decided_at: Date | null;
  }[];
  log: ExperimentLogEntry[];
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—');
const oneLine = (s: string) => s.replace(/\s*\n+\s*/g, ' ').trim();

const LOG_APPENDIX = '\n## Appendix: experiment log';

/** Everyone the record names: authors, owners, extenders, and people mentioned in the log. */
export function peopleIn(r: ProjectRecord): string[] {
  return [
    ...new Set([
      r.project.lead_user_id,
      ...r.revisions.map((x) => x.author_user_id),
      ...r.hypotheses.map((h) => h.owner_user_id),
      ...r.extensions.map((e) => e.extended_by),
      ...r.log.flatMap((e) => [e.author_user_id, ...mentionedIn(e.text)]),
    ]),
  ];
}

/**
 * Each decision once: the log's `decision` entries (the decision, each proposal chosen or
 * not with its reason), and a decided meeting only when it logged none (rows from before
 * meetings logged their decisions).
 */
function decisionsOf(r: ProjectRecord, names: (userId: string) => string) {
  const logged = r.log.filter((e) => e.kind === 'decision');
  const meetingsLogged = new Set(logged.map((e) => e.meeting_id));
  return [
    ...r.meetings
      .filter((m) => m.status === 'decided' && m.decision && !meetingsLogged.has(m.id))
      .map((m) => ({
        at: m.decided_at ?? m.scheduled_at,
        text: `${oneLine(m.question)}: ${oneLine(m.decision!)}`,
      })),
    ...logged.map((e) => ({
      at: e.created_at,
      text: oneLine(slackToMarkdown(e.text, names)) + (e.permalink ? ` ([message](${e.permalink}))` : ''),
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function recordMarkdown(r: ProjectRecord, names: (userId: string) => string): string {
  // The design-doc export ends with the log as its appendix; the record puts the
  // hypotheses and decisions between the two.
  const doc = designDocMarkdown(r.project, r.revisions, [...r.log].reverse(), names);
  const at = doc.indexOf(LOG_APPENDIX);
  const lines: string[] = ['', '## Hypotheses', ''];
  if (r.hypotheses.length === 0) lines.push('_None yet._', '');
  for (const h of r.hypotheses) {
    lines.push(`### H${h.number}: ${oneLine(h.statement)}`, '');
    lines.push(
      `- Status: ${h.status} · Owner: ${names(h.owner_user_id)} · Timebox: ${count(h.timebox_days, 'day')}`,
    );
    lines.push(`- Success criteria: ${oneLine(h.success_criteria)}`);
    if (h.metric) lines.push(`- Metric: ${oneLine(h.metric)}`);
    if (h.baseline) lines.push(`- Baseline: ${oneLine(h.baseline)}`);
    lines.push(`- Started ${day(h.started_at)} · due ${day(h.due_at)} · concluded ${day(h.concluded_at)}`);
    if (h.result) lines.push(`- Result: ${oneLine(h.result)}`);
    if (h.learnings) lines.push(`- Learnings: ${oneLine(h.learnings)}`);
    if (h.next_step) lines.push(`- Next step: ${oneLine(h.next_step)}`);
    const evidence = evidenceMarkdown(h);
    if (evidence) lines.push(`- Evidence: ${evidence}`);
    for (const e of r.extensions.filter((x) => x.hypothesis_id === h.id)) {
      lines.push(
        `- Extension ${e.extension_number}: ${day(e.previous_due_at)} → ${day(e.new_due_at)} by ${names(e.extended_by)}: ${oneLine(e.reason)}`,
      );
    }
    lines.push('');
  }
  lines.push('## Decisions', '');
  const decisions = decisionsOf(r, names);
  if (decisions.length === 0) lines.push('_None recorded yet._');
  for (const d of decisions) lines.push(`- ${day(d.at)} · ${d.text}`);
  return `${doc.slice(0, at)}${lines.join('\n')}\n${doc.slice(at)}`;
}

export const LOG_CSV_COLUMNS = [
  'id',
  'created_at',
  'kind',
  'hypothesis',
  'author',
  'text',
  'permalink',
  'run_links',
  'author_id',
] as const;

/**
 * RFC 4180 CSV. A cell that a spreadsheet would run as a formula (starting = + - @) gets
 * a leading apostrophe, so a log line cannot become code in someone's spreadsheet.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The log as CSV: people by name (their Slack id in the last column), Slack markup as
 * Markdown; `links`: each hypothesis' run links, on every row about it, so a spreadsheet
 * filter finds them.
 */
export function logCsv(
  log: ExperimentLogEntry[],
  numbers: Map<number, number>,
  names: (userId: string) => string,
  links: Map<number, string[]> = new Map(),
): string {
  const rows = log.map((e) =>
    [
      String(e.id),
      e.created_at.toISOString(),
      e.kind,
      e.hypothesis_id ? `H${numbers.get(e.hypothesis_id) ?? '?'}` : '',
      names(e.author_user_id),
      slackToMarkdown(e.text, names),
      e.permalink ?? '',
      e.hypothesis_id ? (links.get(e.hypothesis_id) ?? []).join(' ') : '',
      e.author_user_id,
    ]
      .map(csvCell)
      .join(','),
  );
  return [LOG_CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
