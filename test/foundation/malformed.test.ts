import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND, ids } from '../../blocks/ids.js';
import type { Project } from '../../src/db/schema/index.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { makeHypothesis, makeProject } from '../support/factories.js';
import {
  blockActionPayload,
  eventEnvelope,
  messageShortcutPayload,
  postSigned,
  slashCommandFields,
  viewOutput,
  viewSubmissionFor,
  type SlackReply,
} from '../../src/sandbox/slack/requests.js';

let t: TestApp;
let project: Project;
beforeAll(async () => {
  t = await startTestApp();
  project = await makeProject(t.labbook.db, { teamId: TEAM, channelId: 'C0PROJ', lead: 'U0LEAD' });
  await makeHypothesis(t.labbook.db, project, { ownerUserId: 'U0OWNER' });
  await makeHypothesis(t.labbook.db, project, { ownerUserId: 'U0OWNER', status: 'proposed' });
});
afterAll(() => t?.stop());
beforeEach(() => t.fake.reset());

const OLDER = 'from an older version of Labbook';
// Nobody the fake Slack knows, so no lookup finds a profile to cache.
const STRANGER = 'U0STRANGER';

const FORM = 'application/x-www-form-urlencoded';
const interactive = (payload: unknown) => ({
  body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  contentType: FORM,
});
const send = (r: { body: string; contentType: string }) => postSigned(t.target, r.body, r.contentType);

describe('a button, form or shortcut from an older version of Labbook', () => {
  it('a button on an old message is acknowledged and the person is told the current way, privately', async () => {
    const reply = await send(
      interactive(
        blockActionPayload({
          userId: STRANGER,
          teamId: TEAM,
          actionId: 'checkin.answer_v0',
          value: '{"h":1}',
          channelId: 'C0PROJ',
          messageTs: '1700000000.000100',
          responseUrl: t.fake.responseUrl(),
        }),
      ),
    );
    expect(reply.status).toBe(200);
    const [posted] = await t.fake.waitForResponse();
    expect(posted!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(posted!.body.text)).toContain(`This button is ${OLDER}`);
    expect(String(posted!.body.text)).toContain(`${COMMAND} help`);
  });

  it('a button on an old Home tab (no response_url) gets the note in the app DM', async () => {
    const reply = await send(
      interactive(
        blockActionPayload({
          userId: STRANGER,
          teamId: TEAM,
          actionId: 'home.refresh_v0',
          view: viewOutput({ teamId: TEAM, callbackId: '', type: 'home', viewId: 'V0HOME' }),
        }),
      ),
    );
    expect(reply.status).toBe(200);
    const [dm] = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === STRANGER);
    expect(String(dm!.args.text)).toContain(OLDER);
  });

  it('a form from an old modal is answered by replacing it with the note', async () => {
    const reply = await send(
      interactive(
        // A modal an older version opened: no modal of this version has that callback_id.
        viewSubmissionFor(
          { userId: STRANGER, teamId: TEAM },
          viewOutput({ teamId: TEAM, callbackId: 'hypothesis.new_v0', viewId: 'V0OLDFORM' }),
        ),
      ),
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(reply.json)).toContain(`This form is ${OLDER}`);
  });

  it('an old message shortcut is answered through its response_url', async () => {
    const reply = await send(
      interactive(
        messageShortcutPayload({
          userId: STRANGER,
          teamId: TEAM,
          callbackId: 'log.add_v0',
          channelId: 'C0PROJ',
          messageTs: '1700000000.000100',
          messageText: 'we tried dropout 0.3',
          responseUrl: t.fake.responseUrl(),
        }),
      ),
    );
    expect(reply.status).toBe(200);
    const [posted] = await t.fake.waitForResponse();
    expect(String(posted!.body.text)).toContain(`This shortcut is ${OLDER}`);
  });
});

describe('1,000 signed, malformed requests of every kind', () => {
  it('are all answered 200 within 3 s, change nothing, break no Slack limit, and leave the bot healthy', async () => {
    const before = await tableChecksums();
    const rnd = seeded(20261125);
    const requests = Array.from({ length: 1000 }, (_, i) => malformed(rnd, i));
    const kinds = new Map<string, number>();
    for (const r of requests) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    // Every kind of request is in the mix, many times over.
    expect([...kinds.keys()].sort()).toEqual(
      ['action', 'event', 'home', 'options', 'shortcut', 'slash', 'view'].sort(),
    );
    expect(Math.min(...kinds.values())).toBeGreaterThanOrEqual(50);

    const answers: { i: number; reply: SlackReply; ms: number }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const i = next++;
        const startedAt = performance.now();
        const reply = await send(requests[i]!);
        answers.push({ i, reply, ms: performance.now() - startedAt });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    const bad = answers.filter((a) => a.reply.status !== 200 || a.ms >= 3_000);
    expect(
      bad.map((a) => ({
        kind: requests[a.i]!.kind,
        what: requests[a.i]!.what,
        status: a.reply.status,
        ms: a.ms,
      })),
    ).toEqual([]);
    await t.labbook.slack.inFlight.drain(10_000);

    expect(await tableChecksums()).toEqual(before);
    expect(t.fake.violations).toEqual([]);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    // The unknown ids among them were told the current way.
    const told =
      t.fake.responses.filter((r) => String(r.body.text).includes(OLDER)).length +
      t.fake.okCallsTo('chat.postMessage').filter((c) => String(c.args.text).includes(OLDER)).length +
      t.fake.okCallsTo('chat.postEphemeral').filter((c) => String(c.args.text).includes(OLDER)).length;
    expect(told).toBeGreaterThan(0);
  }, 120_000);
});

/** Row count and an md5 of every row of every table, so any change shows. */
async function tableChecksums(): Promise<Record<string, string>> {
  const db = t.labbook.db;
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: string; sum: string | null }>`
      select count(*)::text as n, md5(string_agg(t::text, '|' order by t::text)) as sum
      from ${sql.table(name)} t`.execute(db);
    out[name] = `${rows[0]!.n}:${rows[0]!.sum ?? ''}`;
  }
  return out;
}

// --- the generator -------------------------------------------------------------------

interface Malformed {
  kind: 'slash' | 'action' | 'view' | 'shortcut' | 'event' | 'home' | 'options';
  what: string;
  body: string;
  contentType: string;
}

type Rnd = () => number;

/** mulberry32: the same seed gives the same 1,000 requests on every run. */
function seeded(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: Rnd, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

/** Values of the wrong type, the wrong size, or plainly hostile. */
const junk = (rnd: Rnd): unknown =>
  pick(rnd, [
    null,
    0,
    -1,
    1e308,
    true,
    '',
    ' ',
    'x'.repeat(5000),
    '<!channel> hi',
    '\u0000\uffff\ud83d',
    '{"hypothesisId":-1,"round":0}',
    '{"hypothesisId":99999999,"round":"x"}',
    'not json',
    [],
    [null],
    {},
    { id: null },
    { id: 'lowercase-not-an-id' },
    'T',
  ]);

const knownActionIds = [
  ids.hypothesis.open,
  ids.hypothesis.edit,
  ids.hypothesis.start,
  ids.hypothesis.timebox,
  ids.project.open,
  ids.project.edit,
  `${ids.design.editSection}.problem`,
  ids.design.export,
  `${ids.list.page}.next`,
  ids.checkin.validated,
  ids.checkin.disproven,
  ids.checkin.extend,
  ids.checkin.fromHome,
  ids.log.older,
];
const knownCallbackIds = [
  ids.hypothesis.newModal,
  ids.hypothesis.editModal,
  ids.project.modal,
  ids.project.editModal,
  ids.design.sectionModal,
  ids.checkin.outcomeModal,
  ids.checkin.extendModal,
];

/** Deletes, or replaces with junk, the value at a random path of `obj`. */
function mutate(rnd: Rnd, obj: Record<string, unknown>, times: number): string[] {
  const done: string[] = [];
  for (let n = 0; n < times; n++) {
    const path: string[] = [];
    let parent: Record<string, unknown> | unknown[] = obj;
    let key: string | number | undefined;
    // Walk down a random branch, stopping at a random depth.
    for (;;) {
      const keys: (string | number)[] = Array.isArray(parent) ? parent.map((_, i) => i) : Object.keys(parent);
      if (keys.length === 0) break;
      key = pick(rnd, keys);
      path.push(String(key));
      const child: unknown = (parent as Record<string | number, unknown>)[key];
      if (child && typeof child === 'object' && rnd() < 0.6) parent = child as Record<string, unknown>;
      else break;
    }
    if (key === undefined) continue;
    if (rnd() < 0.35 && !Array.isArray(parent)) {
      delete (parent as Record<string, unknown>)[key as string];
      done.push(`-${path.join('.')}`);
    } else {
      (parent as Record<string | number, unknown>)[key] = junk(rnd);
      done.push(`~${path.join('.')}`);
    }
  }
  return done;
}

/**
 * The fields each kind of request cannot do without. Every generated request either names
 * an id this version does not know, or has one of these removed or of the wrong type, so
 * none of them is a request a person could really have sent.
 */
const ESSENTIAL: Record<Malformed['kind'], string[]> = {
  slash: ['command', 'team_id', 'user_id', 'channel_id', 'response_url', 'trigger_id'],
  action: [
    'type',
    'team',
    'team.id',
    'user',
    'user.id',
    'trigger_id',
    'actions',
    'actions.0',
    'actions.0.action_id',
  ],
  home: ['type', 'team.id', 'user', 'user.id', 'trigger_id', 'actions', 'actions.0.action_id', 'view'],
  view: ['type', 'team', 'team.id', 'user.id', 'view', 'view.id', 'view.state', 'view.state.values'],
  shortcut: [
    'type',
    'team.id',
    'user',
    'user.id',
    'channel',
    'channel.id',
    'message',
    'message.ts',
    'message_ts',
    'response_url',
    'trigger_id',
  ],
  event: ['type', 'team_id', 'event', 'event.type', 'event.user', 'event.channel', 'event.item'],
  options: ['type', 'team', 'team.id', 'user', 'user.id'],
};

/** Removes the value at `path`, or gives it a type no Slack payload has there. */
function breakAt(rnd: Rnd, obj: Record<string, unknown>, path: string): string {
  const keys = path.split('.');
  let parent: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const child = parent[k];
    if (!child || typeof child !== 'object') return `(${path} absent)`;
    parent = child as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  const value = pick(rnd, [undefined, null, 0, true, [], {}, [{}]]);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return `!${path}=${JSON.stringify(value) ?? 'deleted'}`;
}

function malformed(rnd: Rnd, i: number): Malformed {
  const kinds: Malformed['kind'][] = ['slash', 'action', 'view', 'shortcut', 'event', 'home', 'options'];
  const kind = kinds[i % kinds.length]!;
  const responseUrl = t.fake.responseUrl();
  const who = { userId: STRANGER, teamId: TEAM };
  const mutations = 1 + Math.floor(rnd() * 3);
  let payload: Record<string, unknown>;
  let what: string;
  // About a third name an id this version does not know; the rest are broken.
  const unknownId = rnd() < 0.3;
  switch (kind) {
    case 'slash': {
      const fields: Record<string, unknown> = {
        ...slashCommandFields({
          ...who,
          channelId: 'C0PROJ',
          responseUrl,
          text: pick(rnd, [
            '',
            'help',
            'new',
            'list',
            'mine',
            'log',
            'stats',
            'design',
            'project',
            'hours 25-3 xyz',
          ]),
          command: pick(rnd, [COMMAND, COMMAND, '/labbook', '/hypothesis_old']),
        }),
      };
      const broken = fields.command === COMMAND ? breakAt(rnd, fields, pick(rnd, ESSENTIAL.slash)) : '';
      what = `${String(fields.command)} ${broken} ${mutate(rnd, fields, mutations).join(' ')}`;
      // Form fields are strings; junk objects arrive as their JSON text.
      const strings = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
      );
      return { kind, what, body: new URLSearchParams(strings).toString(), contentType: FORM };
    }
    case 'action':
      payload = blockActionPayload({
        ...who,
        actionId: unknownId ? `old.${Math.floor(rnd() * 1e6)}` : pick(rnd, knownActionIds),
        value: String(junk(rnd)),
        channelId: 'C0PROJ',
        messageTs: '1700000000.000100',
        responseUrl,
      });
      break;
    case 'home':
      payload = blockActionPayload({
        ...who,
        actionId: unknownId ? `home.old_${Math.floor(rnd() * 1e6)}` : pick(rnd, knownActionIds),
        selectedOption: rnd() < 0.5 ? String(junk(rnd)) : undefined,
        view: viewOutput({ teamId: TEAM, callbackId: '', type: 'home', viewId: 'V0HOME' }),
      });
      if (rnd() < 0.4) {
        payload = eventEnvelope({
          teamId: TEAM,
          event: { type: 'app_home_opened', user: STRANGER, tab: 'home' },
        });
      }
      break;
    case 'view':
      // Not a modal the app sent, on purpose: what a hostile or outdated client posts.
      payload = viewSubmissionFor(
        who,
        viewOutput({
          teamId: TEAM,
          callbackId: unknownId ? `old.modal_${Math.floor(rnd() * 1e6)}` : pick(rnd, knownCallbackIds),
          privateMetadata: String(junk(rnd)),
          values: { statement: { statement: { type: 'plain_text_input', value: junk(rnd) } } },
        }),
      );
      if (rnd() < 0.2) payload.type = 'view_closed';
      break;
    case 'shortcut':
      payload = messageShortcutPayload({
        ...who,
        callbackId: unknownId ? 'log.add_v0' : ids.log.addMessage,
        channelId: 'C0PROJ',
        messageTs: '1700000000.000100',
        messageText: 'we tried dropout 0.3',
        responseUrl,
      });
      if (rnd() < 0.3)
        payload = { ...payload, type: 'shortcut', callback_id: `global_${Math.floor(rnd() * 100)}` };
      break;
    case 'event':
      payload = eventEnvelope({
        teamId: TEAM,
        event: {
          type: pick(rnd, [
            'app_home_opened',
            'app_mention',
            'message',
            'reaction_added',
            'member_joined_channel',
          ]),
          user: STRANGER,
          channel: 'C0PROJ',
          tab: pick(rnd, ['home', 'messages']),
          item: { type: 'message', channel: 'C0PROJ', ts: '1700000000.000100' },
        },
      });
      break;
    case 'options':
      payload = {
        type: 'block_suggestion',
        team: { id: TEAM },
        user: { id: STRANGER },
        action_id: 'old.search',
        block_id: 'b1',
        value: 'ab',
      };
      break;
  }
  const broken =
    unknownId && kind !== 'event' ? 'unknown id' : breakAt(rnd, payload, pick(rnd, ESSENTIAL[kind]));
  what = `${broken} ${mutate(rnd, payload, mutations).join(' ')}`;
  if (kind === 'event' || (kind === 'home' && payload.event !== undefined)) {
    return { kind, what, body: JSON.stringify(payload), contentType: 'application/json' };
  }
  return { kind, what, ...interactive(payload) };
}
