import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleCheckIn } from '../../src/rituals/checkins/checkins.js';
import { keyId } from '../../src/tokenCipher.js';
import { testEnv } from '../support/app.js';
import { createTestDatabase } from '../support/db.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import { CLIENT_ID, CLIENT_SECRET, STATE_SECRET } from '../support/fakeOAuth.js';
import { EmbeddedSlack } from '../../src/sandbox/slack/embeddedSlack.js';
import { install, newKey, startOAuthApp, type OAuthTestApp } from '../support/oauthApp.js';
import { slashCommand } from '../../src/sandbox/slack/requests.js';

/**
 * Rotating LABBOOK_ENCRYPTION_KEY: the new key goes in LABBOOK_ENCRYPTION_KEY, the old one
 * in LABBOOK_ENCRYPTION_KEY_PREVIOUS; tokens are re-encrypted as they are read, and
 * `npm run reencrypt-tokens` does the rest, after which the previous key can go.
 */
let fake: EmbeddedSlack;
let databaseUrl: string;
const oldKey = newKey();
const newerKey = newKey();

const ACME = {
  teamId: 'T0ACME',
  botToken: 'xoxb-acme-rot',
  botUserId: 'U0ACMEBOT',
  installerId: 'U0ACMEADMIN',
};
const BETA = {
  teamId: 'T0BETA',
  botToken: 'xoxb-beta-rot',
  botUserId: 'U0BETABOT',
  installerId: 'U0BETAADMIN',
};

beforeAll(async () => {
  fake = await EmbeddedSlack.start();
  databaseUrl = await createTestDatabase();
  fake.addUser({ id: ACME.installerId, teamId: ACME.teamId, isAdmin: true });
  fake.addUser({ id: 'U0BETAOWNER', teamId: BETA.teamId, tz: 'UTC' });
});
afterAll(() => fake?.close());

async function withApp<T>(
  keys: { key: string; previous?: string },
  run: (t: OAuthTestApp) => Promise<T>,
): Promise<T> {
  const t = await startOAuthApp({
    fake,
    databaseUrl,
    key: keys.key,
    env: keys.previous ? { LABBOOK_ENCRYPTION_KEY_PREVIOUS: keys.previous } : {},
  });
  try {
    return await run(t);
  } finally {
    await t.stop();
  }
}

/** Which key each installation's bot token is under, by key id. */
async function keysInUse(t: OAuthTestApp): Promise<Record<string, string>> {
  const rows = await t.labbook.db
    .selectFrom('installations')
    .select(['id', 'bot_token'])
    .orderBy('id')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.bot_token!.split('.')[1]!]));
}

function reencryptCommand(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/reencryptCli.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

const adminAsks = (t: OAuthTestApp) =>
  slashCommand(t.target, {
    text: 'hours 8-17 mon-fri',
    userId: ACME.installerId,
    teamId: ACME.teamId,
    channelId: 'C0ACME',
    responseUrl: fake.responseUrl(),
  });

describe('rotating LABBOOK_ENCRYPTION_KEY', () => {
  it('reads old tokens with the previous key, re-encrypts them, and then needs only the new key', async () => {
    await withApp({ key: oldKey }, async (t) => {
      expect((await install(t, ACME)).status).toBe(200);
      expect((await install(t, BETA)).status).toBe(200);
      expect(await keysInUse(t)).toEqual({
        T0ACME: keyId(Buffer.from(oldKey, 'base64')),
        T0BETA: keyId(Buffer.from(oldKey, 'base64')),
      });
    });

    // Rotated: the new key writes, the old one still reads. Acme's token is used, and so rewritten.
    await withApp({ key: newerKey, previous: oldKey }, async (t) => {
      fake.reset();
      await adminAsks(t);
      const [lookup] = await fake.waitFor('users.info', (c) => c.args.user === ACME.installerId);
      expect(lookup!.token).toBe(ACME.botToken);
      await fake.waitForResponse((r) => JSON.stringify(r.body).includes('now go out'));
      expect(await keysInUse(t)).toEqual({
        T0ACME: keyId(Buffer.from(newerKey, 'base64')),
        T0BETA: keyId(Buffer.from(oldKey, 'base64')),
      });
    });

    // The command re-encrypts the rest.
    const env = testEnv(fake, databaseUrl, {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      LABBOOK_ENCRYPTION_KEY: newerKey,
      LABBOOK_ENCRYPTION_KEY_PREVIOUS: oldKey,
    });
    const run = await reencryptCommand(env);
    expect(run.code).toBe(0);
    expect(run.output).toContain('LABBOOK_ENCRYPTION_KEY_PREVIOUS can be removed');
    expect(run.output).toContain('"reencrypted":1');
    expect(run.output).not.toContain(newerKey);
    expect(run.output).not.toContain(oldKey);

    // The previous key is gone from the settings: both workspaces still work, people and scheduler alike.
    await withApp({ key: newerKey }, async (t) => {
      expect(new Set(Object.values(await keysInUse(t)))).toEqual(
        new Set([keyId(Buffer.from(newerKey, 'base64'))]),
      );
      fake.reset();
      await adminAsks(t);
      await fake.waitForResponse((r) => JSON.stringify(r.body).includes('now go out'));
      const project = await makeProject(t.labbook.db, {
        teamId: BETA.teamId,
        channelId: 'C0BETA',
        lead: 'U0BETAOWNER',
      });
      const h = await makeHypothesis(t.labbook.db, project, {
        ownerUserId: 'U0BETAOWNER',
        dueAt: new Date('2026-11-23T09:00:00Z'),
      });
      await scheduleCheckIn(t.labbook.db, h, new Date('2026-11-23T09:00:00Z'));
      expect(await t.labbook.scheduler.sweep()).toMatchObject({ sent: 1 });
      expect(fake.okCallsTo('chat.postMessage').map((c) => c.token)).toEqual([BETA.botToken]);
    });
  });

  it('with a key that wrote none of the tokens, says which settings to fix rather than using a wrong token', async () => {
    const writtenWith = newKey();
    await withApp({ key: writtenWith }, async (t) => {
      expect((await install(t, ACME)).status).toBe(200);
    });
    await withApp({ key: newKey() }, async (t) => {
      fake.reset();
      await adminAsks(t);
      await expect
        .poll(() =>
          t.logs.some((l) =>
            l.includes('neither LABBOOK_ENCRYPTION_KEY nor LABBOOK_ENCRYPTION_KEY_PREVIOUS'),
          ),
        )
        .toBe(true);
      expect(fake.callsTo('users.info')).toHaveLength(0);
    });
  });

  it('npm run reencrypt-tokens exits 1 when a token can be read by neither key, and leaves it as it is', async () => {
    const writtenWith = newKey();
    const before = await withApp({ key: writtenWith }, async (t) => {
      expect((await install(t, ACME)).status).toBe(200);
      return keysInUse(t);
    });
    expect(before.T0ACME).toBe(keyId(Buffer.from(writtenWith, 'base64')));
    const [otherKey, anotherKey] = [newKey(), newKey()];
    const run = await reencryptCommand(
      testEnv(fake, databaseUrl, {
        SLACK_BOT_TOKEN: '',
        SLACK_CLIENT_ID: CLIENT_ID,
        SLACK_CLIENT_SECRET: CLIENT_SECRET,
        SLACK_STATE_SECRET: STATE_SECRET,
        LABBOOK_ENCRYPTION_KEY: otherKey,
        LABBOOK_ENCRYPTION_KEY_PREVIOUS: anotherKey,
      }),
    );
    expect(run.code).toBe(1);
    expect(run.output).toContain('some installations can be read by neither key');
    expect(run.output).toContain('T0ACME');
    expect(run.output).not.toContain(otherKey);
    expect(run.output).not.toContain(anotherKey);
    // Nothing was rewritten: with the right key back, the token reads as before.
    await withApp({ key: writtenWith }, async (t) => {
      expect((await keysInUse(t)).T0ACME).toBe(before.T0ACME);
    });
    // The command is a process of its own, started through tsx as `npm run` does.
  }, 90_000);
});
