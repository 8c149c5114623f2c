import { randomBytes } from 'node:crypto';
import type { ManualClock } from '../../src/clock.js';
import { startTestApp, type TestApp } from './app.js';
import { FakeOAuth, CLIENT_ID, CLIENT_SECRET, STATE_SECRET, type WorkspaceGrant } from './fakeOAuth.js';
import type { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';

/** A fresh LABBOOK_ENCRYPTION_KEY, as `openssl rand -base64 32` prints one. */
export const newKey = (): string => randomBytes(32).toString('base64');

export interface OAuthTestApp extends TestApp {
  oauth: FakeOAuth;
}

/**
 * The whole bot in OAuth mode: no SLACK_BOT_TOKEN, the three OAuth settings and an
 * encryption key. `env` adds or overrides settings (a rotated key, say).
 */
export async function startOAuthApp(
  opts: {
    fake?: EmbeddedSlack;
    databaseUrl?: string;
    env?: Record<string, string>;
    key?: string;
    clock?: ManualClock;
  } = {},
): Promise<OAuthTestApp> {
  const t = await startTestApp({
    ...(opts.fake ? { fake: opts.fake } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    env: {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      LABBOOK_ENCRYPTION_KEY: opts.key ?? newKey(),
      ...opts.env,
    },
  });
  return { ...t, oauth: new FakeOAuth(t.fake) };
}

export interface Page {
  status: number;
  html: string;
  headers: Headers;
}

/** What a browser gets from GET /slack/install: the page, the state cookie, the authorize URL. */
export async function openInstallPage(
  baseUrl: string,
): Promise<Page & { authorizeUrl: URL; cookie: string }> {
  const res = await fetch(`${baseUrl}/slack/install`);
  const html = await res.text();
  const href = /href="(https:\/\/slack\.com\/oauth\/v2\/authorize[^"]+)"/.exec(html)?.[1];
  if (!href) throw new Error(`no Add to Slack link on the install page:\n${html}`);
  // The browser keeps the state cookie (name=value before the attributes) for the redirect.
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { status: res.status, html, headers: res.headers, authorizeUrl: new URL(href), cookie };
}

/** Slack sends the browser back to the redirect URL with these query parameters. */
export async function redirectBack(
  baseUrl: string,
  query: Record<string, string>,
  cookie: string | undefined,
): Promise<Page> {
  const res = await fetch(`${baseUrl}/slack/oauth_redirect?${new URLSearchParams(query)}`, {
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The whole "Add to Slack" round trip in one browser, approved on Slack's side. */
export async function install(t: OAuthTestApp, grant: WorkspaceGrant): Promise<Page> {
  const page = await openInstallPage(t.baseUrl);
  const state = page.authorizeUrl.searchParams.get('state') ?? '';
  return redirectBack(t.baseUrl, { code: t.oauth.approve(grant), state }, page.cookie);
}
