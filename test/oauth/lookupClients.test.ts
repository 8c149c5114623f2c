import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { LOOKUP_CLIENTS_KEPT, lookupClient } from '../../src/slack/webClient.js';

/**
 * In OAuth mode every workspace token gets its own lookup client, and a kept client keeps
 * its token: only the most recently used are kept, so the clients (and tokens) of
 * workspaces that uninstalled or got a new token do not stay for the life of the process.
 */
describe('lookup clients', () => {
  const logger = createLogger({ level: 'error', write: () => undefined });
  const api = 'http://127.0.0.1:9/api/';
  const interactive = (token: string) => new WebClient(token, { slackApiUrl: api });

  it('reuses the client for a token, and lets go of the least recently used past the bound', () => {
    const first = lookupClient(interactive('xoxb-first'), logger);
    const busy = lookupClient(interactive('xoxb-busy'), logger);
    expect(lookupClient(interactive('xoxb-first'), logger)).toBe(first);
    expect(first.token).toBe('xoxb-first');

    for (let i = 0; i < LOOKUP_CLIENTS_KEPT - 1; i++) {
      lookupClient(interactive(`xoxb-other-${i}`), logger);
      // One workspace keeps asking: it stays among the most recently used.
      expect(lookupClient(interactive('xoxb-busy'), logger)).toBe(busy);
    }

    // `first` was the least recently used: it was dropped, and a new client is made for its token.
    const again = lookupClient(interactive('xoxb-first'), logger);
    expect(again).not.toBe(first);
    expect(again.token).toBe('xoxb-first');
    expect(lookupClient(interactive('xoxb-busy'), logger)).toBe(busy);
  });
});
