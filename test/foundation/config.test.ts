import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const valid = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'secret' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration', () => {
  it('runs in HTTP mode on port 3000 against Slack by default', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      mode: 'http',
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      logLevel: 'info',
      slack: { apiUrl: 'https://slack.com/api/' },
    });
  });

  it('switches to Socket Mode when an app token is set, without needing a signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A' });
    expect(config.mode).toBe('socket');
  });

  it('names every bad variable at once, with how to fix it', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token', PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SLACK_BOT_TOKEN must be a bot token starting with xoxb-/),
        expect.stringMatching(/^SLACK_SIGNING_SECRET is required in HTTP mode/),
        expect.stringMatching(/^PORT must be a port number/),
        expect.stringMatching(/^LOG_LEVEL must be one of debug, info, warn, error/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('treats an empty value as unset, as a blank line in .env means', () => {
    expect(problemsOf({ ...valid, SLACK_SIGNING_SECRET: '' })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET is required/),
    ]);
  });

  it('adds the trailing slash the WebClient needs to SLACK_API_URL', () => {
    expect(loadConfig({ ...valid, SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slack.apiUrl).toBe(
      'http://127.0.0.1:9999/api/',
    );
  });
});
