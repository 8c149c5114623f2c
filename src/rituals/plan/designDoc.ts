import type { DesignDocRevision, ExperimentLogEntry } from '../../db/schema/index.js';

/**
 * The design-doc template of DOMAIN.md, one section per Slack modal (the whole doc would
 * not fit one modal's limits). `guide` is shown as the field's hint.
 */
export interface DesignSection {
  key: string;
  title: string;
  guide: string;
}

export const DESIGN_SECTIONS: readonly DesignSection[] = [
  {
    key: 'problem',
    title: 'Problem statement',
    guide: 'What we solve and why now, tied to a product or customer problem.',
  },
  {
    key: 'business_value',
    title: 'Business value',
    guide: 'Rough numbers: revenue, engagement, time saved. Later used to judge the project.',
  },
  { key: 'software_goals', title: 'Software goals', guide: 'The system to build and its capabilities.' },
  {
    key: 'metric_goals',
    title: 'Metric goals',
    guide:
      'One optimising metric plus satisficing thresholds (latency, memory, coverage). Specific: "raise recall by X% on class C without losing more than Y% on others", not "improve the model".',
  },
  { key: 'tradeoffs', title: 'Expected trade-offs', guide: 'What we give up for what we gain.' },
  {
    key: 'data_motivation',
    title: 'Data motivation',
    guide: 'Evidence that the problem is real and worth solving.',
  },
  {
    key: 'baseline',
    title: 'Baseline',
    guide: 'The simple heuristic or current production system every hypothesis is measured against.',
  },
  {
    key: 'software_design',
    title: 'Software design',
    guide: 'Services, pipelines, data needed in production.',
  },
  {
    key: 'delivery_plan',
    title: 'Delivery plan',
    guide: 'Crawl: prove efficacy cheaply. Walk: a complete component. Run: a first-class system.',
  },
  { key: 'launch_criteria', title: 'Launch criteria', guide: 'The metrics that justify shipping.' },
  {
    key: 'risks',
    title: 'What could go wrong',
    guide: 'Affected surfaces, customer impact, monitoring, rollback.',
  },
  {
    key: 'security_privacy',
    title: 'Security and privacy',
    guide: 'Data handled, who can see it, what must not leak.',
  },
] as const;

export const DESIGN_SECTION_MAX = 3000;

export function designSection(key: string): DesignSection | undefined {
  return DESIGN_SECTIONS.find((s) => s.key === key);
}

/**
 * The doc as a Markdown file that reads like the template: every section in template
 * order (empty ones marked), then the experiment log as the appendix.
 */
/** A project's name as the start of a file name: `Search ranking` -> `Search-ranking`. */
export const fileStem = (name: string): string =>
  name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'project';

/**
 * Slack's markup as Markdown for a file read outside Slack: `<@U…>` becomes the person's
 * name, `<url|label>` a Markdown link, `<#C…|name>` #name, and the escaped &lt; &gt; &amp;
 * their characters.
 */
export function slackToMarkdown(text: string, names: (userId: string) => string): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_, id: string) => names(id))
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<(https?:\/\/[^|>\s]+)\|([^>]+)>/g, '[$2]($1)')
    .replace(/<(https?:\/\/[^|>\s]+)>/g, '[$1]($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack user ids mentioned in `<@U…>` markup. */
export const mentionedIn = (text: string): string[] =>
  [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!);

/** A log entry as one Markdown line: its day, kind, text, and a link to where it was said. */
export function logLineMarkdown(
  entry: Pick<ExperimentLogEntry, 'created_at' | 'kind' | 'text'> &
    Partial<Pick<ExperimentLogEntry, 'permalink'>>,
  names: (userId: string) => string,
): string {
  const link = entry.permalink ? ` ([message](${entry.permalink}))` : '';
  return `- ${entry.created_at.toISOString().slice(0, 10)} · ${entry.kind.replace(/_/g, ' ')} · ${slackToMarkdown(entry.text, names).replace(/\n+/g, ' ')}${link}`;
}

export function designDocMarkdown(
  project: { name: string; phase: string; lead_user_id: string },
  revisions: Pick<DesignDocRevision, 'section' | 'content' | 'author_user_id' | 'created_at'>[],
  log: (Pick<ExperimentLogEntry, 'created_at' | 'kind' | 'text'> &
    Partial<Pick<ExperimentLogEntry, 'permalink'>>)[],
  names: (userId: string) => string,
): string {
  const current = new Map(revisions.map((r) => [r.section, r]));
  const lines = [
    `# ${project.name} — design document`,
    '',
    `Phase: ${project.phase} · Project lead: ${names(project.lead_user_id)}`,
    '',
  ];
  for (const section of DESIGN_SECTIONS) {
    const rev = current.get(section.key);
    lines.push(`## ${section.title}`, '');
    lines.push(rev ? rev.content.trim() : '_Not written yet._', '');
    if (rev)
      lines.push(
        `<sub>Last edited by ${names(rev.author_user_id)} on ${rev.created_at.toISOString().slice(0, 10)}</sub>`,
        '',
      );
  }
  lines.push('## Appendix: experiment log', '');
  if (log.length === 0) lines.push('_No entries yet._');
  for (const entry of [...log].reverse()) lines.push(logLineMarkdown(entry, names));
  return lines.join('\n') + '\n';
}
