import type { ServerResponse } from 'node:http';
import type { Installation } from '@slack/bolt';
import type { CodedError } from '@slack/oauth';

/**
 * The pages a person sees in the browser around "Add to Slack". Bolt serves the install
 * page itself; these say what happened at the end and what to do next.
 */
export function installedPage(installation: Installation, res: ServerResponse): void {
  const teamId = installation.team?.id;
  const where = installation.team?.name ?? installation.enterprise?.name ?? 'your workspace';
  const openSlack =
    teamId && installation.appId
      ? `slack://app?team=${encodeURIComponent(teamId)}&id=${encodeURIComponent(installation.appId)}`
      : 'slack://open';
  const web = teamId
    ? `https://app.slack.com/client/${encodeURIComponent(teamId)}`
    : 'https://app.slack.com/';
  page(res, 200, 'Labbook is installed', [
    `Labbook is now part of <strong>${escapeHtml(where)}</strong>.`,
    'Next: in the channel where your project lives, type <code>/invite @Labbook</code>, then <code>/hypothesis project</code> to set the project up, and <code>/hypothesis new</code> to write down your first hypothesis.',
    `<a href="${escapeHtml(openSlack)}">Open Slack</a> · <a href="${escapeHtml(web)}">Slack in the browser</a>`,
  ]);
}

export function installFailedPage(error: CodedError, res: ServerResponse): void {
  const retry = 'Start again from <a href="/slack/install">the install page</a>.';
  switch (error.code) {
    case 'slack_oauth_invalid_state':
    case 'slack_oauth_missing_state':
      return page(res, 400, 'This install link has expired', [
        'The link that brought you here was already used, is more than ten minutes old, or was opened in another browser.',
        retry,
      ]);
    case 'slack_oauth_missing_code':
      return page(res, 400, 'Labbook was not installed', [
        'Slack did not send the approval this page needs (the install was probably cancelled).',
        retry,
      ]);
    case 'slack_oauth_installer_authorization_error':
      return page(res, 400, 'Labbook was not installed', [
        'The installation was cancelled in Slack. Nothing was changed in your workspace.',
        retry,
      ]);
    default:
      return page(res, 500, 'Labbook could not be installed', [
        'Something went wrong on our side while finishing the installation; nothing was kept.',
        `${retry} If it happens again, tell whoever runs this Labbook (the error is in its log).`,
      ]);
  }
}

function page(res: ServerResponse, status: number, title: string, paragraphs: string[]): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</body>
</html>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
