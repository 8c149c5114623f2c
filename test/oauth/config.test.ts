import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createTokenCipher } from '../../src/tokenCipher.js';
import { SIGNING_SECRET } from '../support/app.js';
import { CLIENT_ID, CLIENT_SECRET, STATE_SECRET } from '../support/fakeOAuth.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { newKey } from '../support/oauthApp.js';
import { spawnLabbook } from '../support/process.js';

const key = newKey();
const oauthEnv = {
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_CLIENT_ID: CLIENT_ID,
  SLACK_CLIENT_SECRET: CLIENT_SECRET,
  SLACK_STATE_SECRET: STATE_SECRET,
  LABBOOK_ENCRYPTION_KEY: key,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('choosing the mode', () => {
  it('is OAuth mode when the client id, client secret and state secret are set, with no bot token', () => {
    const config = loadConfig(oauthEnv);
    expect(config.slack.botToken).toBeUndefined();
    expect(config.oauth).toMatchObject({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      stateSecret: STATE_SECRET,
    });
    expect(config.oauth!.keys.current).toEqual(Buffer.from(key, 'base64'));
  });

  it('stays single-workspace mode with SLACK_BOT_TOKEN alone', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 's' });
    expect(config.oauth).toBeUndefined();
    expect(config.slack.botToken).toBe('xoxb-1-2');
  });

  it('asks for a bot token, or the OAuth settings, when neither is set', () => {
    expect(problemsOf({ SLACK_SIGNING_SECRET: 's' })).toEqual([
      expect.stringMatching(
        /^SLACK_BOT_TOKEN is required: .* \(or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET/,
      ),
    ]);
  });

  it('names the OAuth settings still missing when only some are set', () => {
    expect(
      problemsOf({ SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: CLIENT_ID, LABBOOK_ENCRYPTION_KEY: key }),
    ).toEqual([
      'SLACK_CLIENT_SECRET is required in OAuth mode (SLACK_CLIENT_ID set)',
      'SLACK_STATE_SECRET is required in OAuth mode (SLACK_CLIENT_ID set)',
    ]);
  });

  it('refuses SLACK_BOT_TOKEN in OAuth mode, so no call can go out with it', () => {
    expect(problemsOf({ ...oauthEnv, SLACK_BOT_TOKEN: 'xoxb-1-2' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN must not be set in OAuth mode/),
    ]);
  });
});

describe('LABBOOK_ENCRYPTION_KEY', () => {
  it('is required in OAuth mode, with how to make one', () => {
    const { LABBOOK_ENCRYPTION_KEY: _, ...withoutKey } = oauthEnv;
    expect(problemsOf(withoutKey)).toEqual([
      expect.stringMatching(/^LABBOOK_ENCRYPTION_KEY is required in OAuth mode: .*openssl rand -base64 32/),
    ]);
  });

  it.each([
    ['too short', Buffer.alloc(16, 1).toString('base64')],
    ['not base64', 'x'.repeat(44)],
    ['a passphrase', 'correct horse battery staple'],
  ])('must be 32 bytes of base64, not %s', (_what, value) => {
    expect(problemsOf({ ...oauthEnv, LABBOOK_ENCRYPTION_KEY: value })).toEqual([
      expect.stringMatching(/^LABBOOK_ENCRYPTION_KEY must be 32 random bytes in base64/),
    ]);
    expect(problemsOf({ ...oauthEnv, LABBOOK_ENCRYPTION_KEY_PREVIOUS: value })).toEqual([
      expect.stringMatching(/^LABBOOK_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes in base64/),
    ]);
  });

  it('keys, client secret and state secret are never logged', () => {
    const previous = newKey();
    const config = loadConfig({ ...oauthEnv, LABBOOK_ENCRYPTION_KEY_PREVIOUS: previous });
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', secrets: secretsOf(config), write: (l) => lines.push(l) });
    logger.debug('settings', { key, previous, CLIENT_SECRET, STATE_SECRET });
    // Installed tokens are recognised by their shape, refresh tokens (xoxe) included.
    logger.debug('oauth.v2.access answered', {
      access_token: 'xoxb-T0ACME-1-secret',
      refresh_token: 'xoxe-1-My0xLTEyMy1zZWNyZXQ',
      user: 'xoxe.xoxp-1-rotating',
    });
    const all = lines.join('\n');
    for (const secret of [
      key,
      previous,
      CLIENT_SECRET,
      STATE_SECRET,
      'T0ACME-1-secret',
      'My0xLTEy',
      'rotating',
    ])
      expect(all).not.toContain(secret);
  });
});

describe('a token cipher', () => {
  it('never writes the same ciphertext twice, and refuses a tampered one', () => {
    const cipher = createTokenCipher({ current: Buffer.from(key, 'base64') });
    const a = cipher.encrypt('xoxb-same');
    expect(cipher.encrypt('xoxb-same')).not.toBe(a);
    expect(cipher.decrypt(a)).toEqual({ plain: 'xoxb-same', stale: false });
    const parts = a.split('.');
    parts[4] = Buffer.from('xoxb-evil').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });
});

describe('the process', () => {
  let fake: EmbeddedSlack;
  beforeAll(async () => {
    fake = await EmbeddedSlack.start();
  });
  afterAll(() => fake?.close());

  it('exits 1 naming LABBOOK_ENCRYPTION_KEY when it is malformed in OAuth mode, and never calls Slack', async () => {
    const p = spawnLabbook({
      ...oauthEnv,
      LABBOOK_ENCRYPTION_KEY: 'not-a-key',
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
    });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toContain('LABBOOK_ENCRYPTION_KEY must be 32 random bytes in base64');
    expect(p.output()).not.toMatch(/\n\s+at /);
    expect(p.output()).not.toContain(CLIENT_SECRET);
    expect(fake.calls).toEqual([]);
  });
});
