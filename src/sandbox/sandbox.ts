import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import packageJson from '../../package.json' with { type: 'json' };
import type { Config, SandboxConfig } from '../config.js';
import { ensureWorkspace } from '../db/workspaces.js';
import type { Logger } from '../logger.js';
import { DIGEST_KIND } from '../rituals/digests/digests.js';
import { startLabbook, type Labbook } from '../runtime.js';
import type {
  ActionRequest,
  ActResult,
  ClockRequest,
  ClockState,
  CloseRequest,
  ComposerRequest,
  Conversation,
  HomeOpenedRequest,
  HomeTab,
  ModalStack,
  SandboxEvent,
  ShortcutRequest,
  SubmitRequest,
  SubmitResult,
  Thread,
  Workspace,
} from './api.js';
import { OffsetClock } from './clock.js';
import { emptyTables, sandboxDatabaseUrl } from './database.js';
import * as interactions from './interactions.js';
import { Refused, type Wire } from './interactions.js';
import { messageShortcuts, slashCommands } from './manifest.js';
import { SlackFile } from './persistence.js';
import { BOT, canSee, channelById, CHANNELS, PEOPLE, personById, seedSlack, TEAM } from './seed.js';
import { startPageServer, type PageServer } from './server.js';
import { EmbeddedSlack } from './slack/embeddedSlack.js';
import type { StoredFile } from './slack/state.js';

/**
 * Sandbox mode, in one process: the embedded Slack (its own loopback port; the app's
 * SLACK_API_URL), Labbook itself (a generated bot token and signing secret, its receiver on
 * a loopback port, the sandbox's OffsetClock), and the page server on 127.0.0.1:PORT. Data
 * lives apart from a real workspace's (see database.ts; slack.json beside it).
 */
const PAGE_SIZE = 200;
const ADVANCES = { PT1H: 3_600_000, P1D: 86_400_000 } as const;

export class Sandbox {
  readonly version = packageJson.version;
  readonly wire: Wire;
  private page: PageServer | undefined;

  constructor(
    readonly slack: EmbeddedSlack,
    readonly labbook: Labbook,
    readonly clock: OffsetClock,
    private readonly slackFile: SlackFile,
    readonly logger: Logger,
    signingSecret: string,
  ) {
    this.wire = { slack, target: { url: `http://127.0.0.1:${labbook.port}/slack/events`, signingSecret } };
  }

  get port(): number {
    return this.page?.port ?? 0;
  }

  async listen(port: number): Promise<number> {
    this.page = await startPageServer(this, port);
    return this.page.port;
  }

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    return this.slack.state.subscribe(listener);
  }

  // --- reading -------------------------------------------------------------------------

  async workspace(): Promise<Workspace> {
    return {
      team: { ...TEAM },
      bot: { id: BOT.id, name: BOT.name },
      people: [...PEOPLE],
      channels: [...CHANNELS],
      clock: this.clockState(),
      nextDigestAt: (await this.nextDigest())?.toISOString() ?? null,
      version: this.version,
      slashCommands,
      messageShortcuts,
    };
  }

  conversation(as: string, channelId: string, before?: string): Conversation {
    this.viewer(as, channelId);
    if (before !== undefined && !/^\d+\.\d+$/.test(before))
      throw new Refused(400, 'invalid_request', 'before must be a message ts.');
    const page = this.slack.state.conversation(channelId, as, {
      limit: PAGE_SIZE,
      ...(before ? { before } : {}),
    });
    return { channel: channelId, ...page };
  }

  thread(as: string, channelId: string, ts: string): Thread {
    this.viewer(as, channelId);
    const thread = this.slack.state.thread(channelId, as, ts);
    if (!thread) throw new Refused(404, 'not_found', 'That thread is not there any more.');
    return { channel: channelId, ...thread };
  }

  home(as: string): HomeTab {
    this.person(as);
    return { view: this.slack.state.home(as) ?? null };
  }

  modal(as: string): ModalStack {
    this.person(as);
    return { views: this.slack.state.modalStack(as) };
  }

  file(id: string): StoredFile {
    const file = this.slack.state.file(id);
    if (!file) throw new Refused(404, 'not_found', `No file ${id}.`);
    return file;
  }

  // --- what people do ------------------------------------------------------------------

  compose(req: ComposerRequest): Promise<ActResult> {
    this.viewer(req.as, req.channel);
    return interactions.compose(this.wire, req);
  }

  act(req: ActionRequest): Promise<ActResult> {
    if ('channel' in req.container) this.viewer(req.as, req.container.channel);
    else this.person(req.as);
    return interactions.act(this.wire, req);
  }

  shortcut(req: ShortcutRequest): Promise<ActResult> {
    this.viewer(req.as, req.channel);
    return interactions.shortcut(this.wire, req);
  }

  submit(viewId: string, req: SubmitRequest): Promise<SubmitResult> {
    this.person(req.as);
    return interactions.submit(this.wire, req.as, viewId, req.values);
  }

  close(viewId: string, req: CloseRequest): Promise<ActResult> {
    this.person(req.as);
    return interactions.close(this.wire, req.as, viewId);
  }

  homeOpened(req: HomeOpenedRequest): Promise<ActResult> {
    this.person(req.as);
    return interactions.homeOpened(this.wire, req.as);
  }

  // --- controls ------------------------------------------------------------------------

  /** Moves the app's clock forward, then sweeps at once so what fell due is sent while the person watches. */
  async moveClock(req: ClockRequest): Promise<ClockState> {
    if ('advance' in req) {
      this.clock.advance(typeof req.advance === 'number' ? req.advance : ADVANCES[req.advance]);
    } else {
      const due = req.to === 'next-digest' ? await this.nextDigest() : await this.nextScheduled();
      if (!due)
        throw req.to === 'next-digest'
          ? new Refused(409, 'no_digest', 'No weekly digest is scheduled yet.')
          : new Refused(409, 'nothing_scheduled', 'Labbook has nothing scheduled to send yet.');
      this.clock.advanceTo(due);
    }
    await this.showClockAndSweep();
    // A digest scheduled before its lead's zone was known can find, once due, that its slot
    // is later in that zone and put itself off: "to the next digest" follows it there.
    for (let i = 0; 'to' in req && req.to === 'next-digest' && i < 3; i++) {
      const next = await this.nextDigest();
      if (!next || next.getTime() <= this.clock.now().getTime()) break;
      this.clock.advanceTo(next);
      await this.showClockAndSweep();
    }
    return this.clockState();
  }

  private async showClockAndSweep(): Promise<void> {
    this.slack.state.offsetMs = this.clock.offsetMs;
    this.slack.state.emit({ type: 'clock', data: this.clockState() });
    await this.labbook.scheduler.sweep();
  }

  /** Empties Labbook's tables and the embedded Slack's state, and starts the workspace again. */
  async reset(): Promise<{ ok: true }> {
    await emptyTables(this.labbook.db);
    await ensureWorkspace(this.labbook.db, TEAM.id, { botUserId: BOT.id });
    this.slack.state.clear();
    this.clock.offsetMs = 0;
    this.slack.state.emit({ type: 'reset', data: {} });
    this.slack.state.emit({ type: 'clock', data: this.clockState() });
    await this.slackFile.flush();
    return { ok: true };
  }

  async stop(): Promise<void> {
    await this.page?.close();
    await this.labbook.stop();
    await this.slackFile.flush();
    await this.slack.close();
  }

  // --- helpers -------------------------------------------------------------------------

  private clockState(): ClockState {
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offsetMs };
  }

  /**
   * The next moment Labbook means to send anything (a check-in, a reminder, an invitation, a
   * pre-read, a digest): what waits for someone's working hours waits until then, so a clock
   * moved by whole days can keep landing outside them; this lands on it.
   */
  private async nextScheduled(): Promise<Date | undefined> {
    const row = await this.labbook.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('team_id', '=', TEAM.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '>', this.clock.now())
      .executeTakeFirst();
    return row?.at ? new Date(row.at) : undefined;
  }

  /** When the next weekly digest will go out (a digest put off goes when it is put off to). */
  private async nextDigest(): Promise<Date | undefined> {
    const row = await this.labbook.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('team_id', '=', TEAM.id)
      .where('kind', '=', DIGEST_KIND)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.at ? new Date(row.at) : undefined;
  }

  private person(as: string): void {
    if (!personById(as)) throw new Refused(400, 'invalid_request', `No person ${as} in the sandbox.`);
  }

  /** `as` may read `channelId`: a channel they are in, or their own DM. */
  private viewer(as: string, channelId: string): void {
    this.person(as);
    const channel = channelById(channelId);
    if (!channel || !canSee(as, channel))
      throw new Refused(404, 'not_found', `No conversation ${channelId}.`);
  }
}

/** Starts the embedded Slack, Labbook against it, and the page server on 127.0.0.1:`config.port`. */
export async function startSandbox(config: SandboxConfig, logger: Logger): Promise<Sandbox> {
  const dataDir = path.join(config.dataDir, 'sandbox');
  await fs.mkdir(dataDir, { recursive: true });
  const clock = new OffsetClock();
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(24).toString('hex');
  const slack = await EmbeddedSlack.start({
    teamId: TEAM.id,
    botUserId: BOT.id,
    botToken,
    now: () => clock.now().getTime(),
  });
  const cleanups: (() => Promise<void>)[] = [() => slack.close()];
  try {
    seedSlack(slack);
    const slackFile = SlackFile.in(dataDir, slack.state, logger);
    const saved = await slackFile.read();
    if (saved) {
      slack.state.load(saved);
      clock.offsetMs = saved.offsetMs;
      // chat.update on a message posted before the restart still finds it.
      for (const { channel, entry } of slack.state.botMessages())
        slack.addMessage(channel, {
          ts: entry.ts,
          text: entry.text,
          ...(entry.blocks ? { blocks: entry.blocks } : {}),
          ...(entry.threadTs ? { threadTs: entry.threadTs } : {}),
        });
    }
    slack.state.subscribe((event) => {
      if (event.type !== 'notice') slackFile.changed();
    });

    const labbookConfig: Config = {
      slack: { botToken, signingSecret, appToken: undefined, apiUrl: slack.apiUrl },
      mode: 'http',
      oauth: undefined,
      port: 0,
      listenHost: '127.0.0.1',
      databaseUrl: config.databaseUrl ? await sandboxDatabaseUrl(config.databaseUrl) : undefined,
      dataDir,
      logLevel: config.logLevel,
      schedulerCron: '* * * * *',
      schedulerLeaseMs: 120_000,
      // The embedded Slack enforces Slack's own limits; Labbook keeps under them as in Slack.
      slackPacing: { scale: 1 },
      shutdownTimeoutMs: 5_000,
      // A stand-in workspace's runs live in no tracker.
      trackers: { mlflow: undefined, wandb: undefined },
      metrics: { port: undefined, token: undefined },
    };
    const labbook = await startLabbook(labbookConfig, { clock, logger });
    cleanups.push(() => labbook.stop());
    const sandbox = new Sandbox(slack, labbook, clock, slackFile, logger, signingSecret);
    await sandbox.listen(config.port);
    return sandbox;
  } catch (error) {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    throw error;
  }
}
