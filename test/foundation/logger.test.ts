import { describe, expect, it } from 'vitest';
import { createLogger, LogLevel } from '../../src/logger.js';

function capture(level: 'debug' | 'info' = 'info', secrets: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({ level, secrets, write: (l) => lines.push(l) });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('structured logs', () => {
  it('writes one JSON object per line with level, time and fields', () => {
    const { logger, parsed } = capture();
    logger.child({ teamId: 'T1' }).info('hello', { port: 3000 });
    expect(parsed()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'hello',
        port: 3000,
        teamId: 'T1',
        time: expect.any(String),
      }),
    ]);
  });

  it('drops lines below LOG_LEVEL, even after Bolt asks for another level', () => {
    const { logger, lines } = capture('info');
    logger.setLevel(LogLevel.DEBUG);
    logger.debug('noise');
    logger.warn('signal');
    expect(lines).toHaveLength(1);
  });

  it('never prints tokens or the signing secret, wherever they appear', () => {
    const secret = 'abcdef0123456789signing';
    const { logger, lines } = capture('debug', [secret]);
    logger.info('calling with xoxb-123-456-abcDEF and xapp-1-A0-xyz');
    logger.error('failed', { headers: { authorization: 'Bearer xoxb-999-888-zzz' }, secret });
    logger.debug('bolt says %s', `token=xoxp-1-2-3 ${secret}`);
    const all = lines.join('\n');
    expect(all).not.toMatch(/xox[bp]-\d/);
    expect(all).not.toContain('xapp-1-A0');
    expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });
});
