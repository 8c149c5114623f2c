/**
 * Links from a hypothesis to its evidence: tracker runs, notebooks, dashboards, commits.
 * Pure functions: the modal's text in, checked URLs out; a URL in, the name people read.
 */

/** A run Labbook can ask its tracker about, when one is configured. */
export type TrackedRun =
  | { tracker: 'mlflow'; experimentId: string; runId: string }
  | { tracker: 'wandb'; entity: string; project: string; runId: string };

export interface RunLink {
  url: string;
  /** "W&B run 3f2a9c", "GitHub PR acme/ranker#12", or the host for anything else. */
  label: string;
  run: TrackedRun | null;
}

export const RUN_LINK_LIMITS = { links: 10, urlLength: 500 } as const;

const segments = (u: URL) => u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
const shortSha = (sha: string) => sha.slice(0, 7);

/** Names a link; a link of no known kind is named by its host. */
export function describeRunLink(url: string): RunLink {
  const u = new URL(url);
  const host = u.hostname.replace(/^www\./, '');
  const path = segments(u);
  // The MLflow UI routes in the fragment: …/#/experiments/<e>/runs/<id>[/…].
  const mlflow = /^#\/experiments\/([^/?]+)\/runs\/([^/?]+)/.exec(u.hash);
  if (mlflow) {
    const [, experimentId, runId] = mlflow as unknown as [string, string, string];
    return { url, label: `MLflow run ${runId}`, run: { tracker: 'mlflow', experimentId, runId } };
  }
  if (host === 'wandb.ai' && path.length >= 4 && path[2] === 'runs') {
    const [entity, project, , runId] = path as [string, string, string, string];
    return { url, label: `W&B run ${runId}`, run: { tracker: 'wandb', entity, project, runId } };
  }
  if (host === 'github.com' && path.length >= 4) {
    const [owner, repo, kind, ref] = path as [string, string, string, string];
    if (kind === 'commit')
      return { url, label: `GitHub commit ${shortSha(ref)} (${owner}/${repo})`, run: null };
    if (kind === 'pull') return { url, label: `GitHub PR ${owner}/${repo}#${ref}`, run: null };
  }
  // GitLab (gitlab.com or self-hosted) puts "-" between the project path and the route.
  const dash = path.indexOf('-');
  if (dash > 0 && path.length >= dash + 3) {
    const repo = path.slice(0, dash).join('/');
    const [kind, ref] = [path[dash + 1]!, path[dash + 2]!];
    if (kind === 'commit') return { url, label: `GitLab commit ${shortSha(ref)} (${repo})`, run: null };
    if (kind === 'merge_requests') return { url, label: `GitLab MR ${repo}!${ref}`, run: null };
  }
  return { url, label: host, run: null };
}

export type ParsedLinks = { ok: true; links: string[] } | { ok: false; error: string };

/**
 * The links typed into a form, one per line (commas and spaces also separate them).
 * `field` is the form label the error names, so the person knows which box to fix.
 */
export function parseRunLinks(text: string | null | undefined, field: string): ParsedLinks {
  const words = (text ?? '').split(/[\s,]+/).filter(Boolean);
  const links: string[] = [];
  for (const word of words) {
    const url = checkedUrl(word);
    if (!url)
      return {
        ok: false,
        error: `${field}: “${word.slice(0, 60)}” is not a link. Paste whole URLs starting with https://, one per line.`,
      };
    if (url.length > RUN_LINK_LIMITS.urlLength)
      return { ok: false, error: `${field}: keep each link under ${RUN_LINK_LIMITS.urlLength} characters.` };
    if (!links.includes(url)) links.push(url);
  }
  if (links.length > RUN_LINK_LIMITS.links)
    return {
      ok: false,
      error: `${field}: at most ${RUN_LINK_LIMITS.links} links; link a dashboard for more.`,
    };
  return { ok: true, links };
}

function checkedUrl(word: string): string | null {
  try {
    const u = new URL(word);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    if (!u.hostname) return null;
    return u.toString();
  } catch {
    return null;
  }
}

/** The tracked runs among a hypothesis' links, in the order they were given. */
export const trackedRuns = (links: readonly string[]): { run: TrackedRun; label: string }[] =>
  links
    .map(describeRunLink)
    .filter((l): l is RunLink & { run: TrackedRun } => l.run !== null)
    .map((l) => ({ run: l.run, label: l.label }));

/** A hypothesis' evidence for Markdown read outside Slack: links as Markdown links. */
export function evidenceMarkdown(e: {
  run_links: string[];
  dataset_version: string | null;
  random_seed: string | null;
}): string | null {
  const parts = e.run_links.map(
    (url) =>
      `[${describeRunLink(url).label.replace(/[[\]]/g, '')}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`,
  );
  if (e.dataset_version) parts.push(`dataset ${e.dataset_version}`);
  if (e.random_seed) parts.push(`seed ${e.random_seed}`);
  return parts.length ? parts.join(' · ') : null;
}
