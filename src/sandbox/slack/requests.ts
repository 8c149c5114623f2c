import { createHmac } from 'node:crypto';
import type { BlockAction, EnvelopedEvent, MessageShortcut, SlashCommand, ViewOutput } from '@slack/bolt';

/**
 * Requests as Slack sends them to an app's Request URL: slash commands form-encoded,
 * interactivity as `payload=<json>`, events as JSON; each signed with the signing secret
 * (`v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`), posted with fetch to the app's
 * real HTTP receiver.
 *
 * Payload shapes follow Slack's interaction-payload reference and are checked at compile
 * time against Bolt's own types, so Bolt's routing and authorize see what they would see
 * from Slack: team {id, domain}, user {id, username, name, team_id}, api_app_id, token,
 * trigger_id, is_enterprise_install: false, enterprise: null.
 */

/** Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:${timestamp}:${body}`). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackTarget {
  /** The app's Request URL, e.g. http://127.0.0.1:PORT/slack/events. */
  url: string;
  signingSecret: string;
  /**
   * The embedded Slack the app talks to, when it should judge the app's answers as Slack
   * does: a view_submission's ack is checked (see acks.ts) and a refusal is put on the reply.
   */
  slack?: AckJudge;
}

/** Slack's side of a view_submission's ack: its refusal, or undefined when it takes it. */
export interface AckJudge {
  refusedAck(user: string, submitted: unknown, body: unknown): Record<string, unknown> | undefined;
}

export interface SendOpts {
  /** X-Slack-Request-Timestamp in seconds; default now. Bolt rejects anything over 5 minutes old. */
  timestamp?: number;
  /** Sign with the wrong secret. */
  badSignature?: boolean;
  /** Sets X-Slack-Retry-Num / X-Slack-Retry-Reason, as Slack does when it redelivers an event. */
  retry?: { num: number; reason: string };
}

export interface SlackReply {
  status: number;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  /** What Slack answers an ack it will not apply (a view_submission's, to a target with `slack`). */
  refused?: Record<string, unknown>;
}

/** POSTs `body` signed the way Slack signs it. */
export async function postSigned(
  target: SlackTarget,
  body: string,
  contentType: string,
  opts: SendOpts = {},
): Promise<SlackReply> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const secret = opts.badSignature ? `${target.signingSecret}-but-wrong` : target.signingSecret;
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': sign(secret, timestamp, body),
  };
  if (opts.retry) {
    headers['x-slack-retry-num'] = String(opts.retry.num);
    headers['x-slack-retry-reason'] = opts.retry.reason;
  }
  const res = await fetch(target.url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, text, json: parseJsonOrUndefined(text) };
}

function parseJsonOrUndefined(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// --- shared pieces ---------------------------------------------------------------------

/** The app id and verification token every payload carries (Bolt ignores the token; Slack still sends it). */
export const APP_ID = 'A0LABBOOK';
export const VERIFICATION_TOKEN = 'verification-token-unused';
const BOT_ID = 'B0LABBOT';
const DEFAULT_CHANNEL_NAME = 'ml-ranking';

const FORM = 'application/x-www-form-urlencoded';
const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

let sequence = 0;

/**
 * Slack mints a trigger_id for each interaction and honours it once, within 3 s. Ours carry
 * when they were issued and, for an interaction inside a modal, that view's id, sealed with
 * an HMAC, so the embedded Slack can tell its own triggers (and their age) from made-up ones
 * without any test wiring the two together: "<issued ms>.<n>.<view id or ->.<mac>".
 */
const TRIGGER_KEY = 'labbook-fake-slack-trigger-key';
const triggerMac = (body: string): string =>
  createHmac('sha256', TRIGGER_KEY).update(body).digest('hex').slice(0, 20);

/** A trigger_id as Slack would issue it for an interaction at `at` (default now), from inside `viewId` if given. */
export function triggerId(opts: { at?: number; viewId?: string } = {}): string {
  const body = `${opts.at ?? Date.now()}.${++sequence}.${opts.viewId ?? '-'}`;
  return `${body}.${triggerMac(body)}`;
}

/** What a trigger_id minted by triggerId() says, or undefined for one it did not mint. */
export function readTriggerId(id: string): { issuedAt: number; viewId?: string } | undefined {
  const match = /^(\d+)\.(\d+)\.([^.]+)\.([0-9a-f]{20})$/.exec(id);
  if (!match || triggerMac(`${match[1]}.${match[2]}.${match[3]}`) !== match[4]) return undefined;
  return { issuedAt: Number(match[1]), ...(match[3] === '-' ? {} : { viewId: match[3] }) };
}

const newTriggerId = (viewId?: string): string => triggerId(viewId ? { viewId } : {});
/** Slack timestamps are "<seconds>.<micros>" strings. */
const slackTs = (): string => (Date.now() / 1000).toFixed(6);

const team = (id: string) => ({ id, domain: id.toLowerCase() });
const user = (id: string, teamId: string) => ({
  id,
  username: id.toLowerCase(),
  name: id.toLowerCase(),
  team_id: teamId,
});
/** Non-enterprise workspace: Slack sends is_enterprise_install false and enterprise null. */
const workspaceInstall = { is_enterprise_install: false, enterprise: null } as const;

/** Bolt types `enterprise` as optional; Slack actually sends null for a plain workspace. */
type AsSent<T> = Omit<T, 'enterprise'> & { enterprise: null };

/** Interactivity: form-encoded `payload=<json>`. */
async function postPayload(target: SlackTarget, payload: object, opts?: SendOpts): Promise<SlackReply> {
  const reply = await postSigned(target, form({ payload: JSON.stringify(payload) }), FORM, opts);
  return judgeAck(target, payload as Record<string, unknown>, reply);
}

/** A view_submission answered 200: the embedded Slack checks the ack before it would apply it. */
function judgeAck(target: SlackTarget, payload: Record<string, unknown>, reply: SlackReply): SlackReply {
  if (!target.slack || payload.type !== 'view_submission' || reply.status !== 200) return reply;
  const who = payload.user as { id?: unknown } | undefined;
  const refused = target.slack.refusedAck(String(who?.id ?? ''), payload.view, reply.json);
  return refused ? { ...reply, refused } : reply;
}

// --- slash commands --------------------------------------------------------------------

export interface CommandArgs {
  text: string;
  userId: string;
  teamId: string;
  channelId: string;
  responseUrl: string;
  /** Default '/hypothesis'. */
  command?: string;
  triggerId?: string;
  userName?: string;
  channelName?: string;
}

/** The fields of a slash command POST, in the order Slack's documentation shows them. */
export function slashCommandFields(a: CommandArgs): SlashCommand {
  return {
    token: VERIFICATION_TOKEN,
    team_id: a.teamId,
    team_domain: a.teamId.toLowerCase(),
    channel_id: a.channelId,
    channel_name: a.channelName ?? DEFAULT_CHANNEL_NAME,
    user_id: a.userId,
    user_name: a.userName ?? a.userId.toLowerCase(),
    command: a.command ?? '/hypothesis',
    text: a.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: a.responseUrl,
    trigger_id: a.triggerId ?? newTriggerId(),
  };
}

/** A slash command, form-encoded as Slack posts it (every value a string). */
export function slashCommand(target: SlackTarget, a: CommandArgs, opts?: SendOpts): Promise<SlackReply> {
  const fields = slashCommandFields(a);
  const strings = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
  return postSigned(target, form(strings), FORM, opts);
}

// --- block_actions ---------------------------------------------------------------------

export interface ActionArgs {
  userId: string;
  teamId: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Slack sends one for actions in messages, not for actions in modals. */
  responseUrl?: string;
  channelId?: string;
  messageTs?: string;
  /** When the action comes from a modal or the Home tab: the view as Slack sends it back. */
  view?: Record<string, unknown>;
  /** The chosen option's value, for a static_select (or overflow/radio with actionType). */
  selectedOption?: string;
  triggerId?: string;
  /** Overrides the container Slack would derive from the message or view. */
  container?: Record<string, unknown>;
  /** Element type; default 'static_select' with selectedOption, else 'button'. */
  actionType?: string;
  /** The message the action was taken on; default a minimal bot message at messageTs. */
  message?: Record<string, unknown>;
  /** state.values of the message or view, for stateful elements. */
  stateValues?: StateValues;
}

/** State values as the test gives them: { blockId: { actionId: input.text('…') } }. */
type StateValues = Record<string, Record<string, unknown>>;

type AnyBlockAction = AsSent<Omit<BlockAction, 'actions' | 'view' | 'response_url' | 'state'>> & {
  actions: Record<string, unknown>[];
  view?: Record<string, unknown>;
  state?: { values: StateValues };
  /** Absent for actions in modals and the Home tab. */
  response_url?: string;
};

/** One element of `actions`, shaped per element type as Slack sends it. */
function actionElement(a: ActionArgs): Record<string, unknown> {
  const type = a.actionType ?? (a.selectedOption !== undefined ? 'static_select' : 'button');
  const base = { type, action_id: a.actionId, block_id: a.blockId ?? 'b1', action_ts: slackTs() };
  const option = (value: string) => ({ text: { type: 'plain_text', text: value, emoji: true }, value });
  if (a.selectedOption !== undefined) return { ...base, selected_option: option(a.selectedOption) };
  if (type === 'button') {
    return {
      ...base,
      text: { type: 'plain_text', text: a.actionId, emoji: true },
      ...(a.value !== undefined ? { value: a.value } : {}),
    };
  }
  return { ...base, ...(a.value !== undefined ? { value: a.value } : {}) };
}

/** Where the action happened: a message (with ts and channel) or a view (modal / Home). */
function actionContainer(a: ActionArgs): Record<string, unknown> {
  if (a.container) return a.container;
  if (a.view) return { type: 'view', view_id: a.view.id };
  if (a.channelId && a.messageTs)
    return { type: 'message', message_ts: a.messageTs, channel_id: a.channelId, is_ephemeral: false };
  return { type: 'message', is_ephemeral: false };
}

/** The message an action was taken on: by default a bot message at `ts`, as Slack includes it. */
function sourceMessage(ts: string, overrides: Record<string, unknown> = {}): BlockAction['message'] {
  return { type: 'message', subtype: 'bot_message', bot_id: BOT_ID, text: '', blocks: [], ...overrides, ts };
}

/** A block_actions payload: a button pressed, an option chosen. */
export function blockActionPayload(a: ActionArgs): AnyBlockAction {
  const stateValues = a.stateValues ?? {};
  return {
    type: 'block_actions',
    team: team(a.teamId),
    user: user(a.userId, a.teamId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: a.triggerId ?? newTriggerId(typeof a.view?.id === 'string' ? a.view.id : undefined),
    ...workspaceInstall,
    container: actionContainer(a),
    ...(a.channelId ? { channel: { id: a.channelId, name: DEFAULT_CHANNEL_NAME } } : {}),
    ...(a.view === undefined && a.messageTs !== undefined
      ? { message: sourceMessage(a.messageTs, a.message) }
      : {}),
    ...(a.view ? { view: a.view } : { state: { values: stateValues } }),
    ...(a.responseUrl ? { response_url: a.responseUrl } : {}),
    actions: [actionElement(a)],
  };
}

export function blockAction(target: SlackTarget, a: ActionArgs, opts?: SendOpts): Promise<SlackReply> {
  return postPayload(target, blockActionPayload(a), opts);
}

// --- view_submission -------------------------------------------------------------------

/** The view as Slack returns it in interaction payloads (Bolt's ViewOutput). */
export function viewOutput(a: {
  teamId: string;
  callbackId: string;
  privateMetadata?: string;
  values?: Record<string, Record<string, unknown>>;
  viewId?: string;
  type?: 'modal' | 'home';
  blocks?: unknown[];
  title?: string;
}): Omit<ViewOutput, 'blocks' | 'state'> & {
  blocks: unknown[];
  state: { values: Record<string, Record<string, unknown>> };
} {
  const viewId = a.viewId ?? 'V0MODAL';
  const modal = (a.type ?? 'modal') === 'modal';
  return {
    id: viewId,
    team_id: a.teamId,
    type: a.type ?? 'modal',
    blocks: a.blocks ?? [],
    private_metadata: a.privateMetadata ?? '',
    callback_id: a.callbackId,
    state: { values: a.values ?? {} },
    hash: `${Math.floor(Date.now() / 1000)}.${viewId}`,
    title: { type: 'plain_text', text: a.title ?? 'Labbook', emoji: true },
    clear_on_close: false,
    notify_on_close: false,
    close: modal ? { type: 'plain_text', text: 'Cancel', emoji: true } : null,
    submit: modal ? { type: 'plain_text', text: 'Save', emoji: true } : null,
    previous_view_id: null,
    root_view_id: viewId,
    app_id: APP_ID,
    external_id: '',
    app_installed_team_id: a.teamId,
    bot_id: BOT_ID,
  };
}

/**
 * The view_submission Slack sends for a view the app rendered: the view object as Slack
 * answered it (id, hash, private_metadata, blocks) with the person's state.values.
 */
export function viewSubmissionFor(
  who: { userId: string; teamId: string },
  view: Record<string, unknown> & { id: string; state: { values: Record<string, unknown> } },
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: team(who.teamId),
    user: user(who.userId, who.teamId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: newTriggerId(view.id),
    ...workspaceInstall,
    view: {
      ...viewOutput({ teamId: who.teamId, callbackId: String(view.callback_id ?? ''), viewId: view.id }),
      ...view,
    },
    response_urls: [],
  };
}

// --- message shortcut ------------------------------------------------------------------

export interface ShortcutArgs {
  userId: string;
  teamId: string;
  callbackId: string;
  channelId: string;
  messageTs: string;
  messageText: string;
  messageUser?: string;
  responseUrl: string;
  triggerId?: string;
  channelName?: string;
}

/** A message shortcut ("More actions" on a message): type message_action. */
export function messageShortcutPayload(a: ShortcutArgs): AsSent<MessageShortcut> & { api_app_id: string } {
  return {
    type: 'message_action',
    callback_id: a.callbackId,
    trigger_id: a.triggerId ?? newTriggerId(),
    message_ts: a.messageTs,
    response_url: a.responseUrl,
    action_ts: slackTs(),
    team: team(a.teamId),
    user: user(a.userId, a.teamId),
    channel: { id: a.channelId, name: a.channelName ?? DEFAULT_CHANNEL_NAME },
    message: { type: 'message', text: a.messageText, user: a.messageUser ?? 'U0WRITER', ts: a.messageTs },
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    ...workspaceInstall,
  };
}

export function messageShortcut(target: SlackTarget, a: ShortcutArgs, opts?: SendOpts): Promise<SlackReply> {
  return postPayload(target, messageShortcutPayload(a), opts);
}

// --- Events API ------------------------------------------------------------------------

export interface EventArgs {
  teamId: string;
  event: Record<string, unknown> & { type: string };
  eventId?: string;
  /** The bot user the authorization is for; default U0LABBOT (the embedded Slack's default). */
  botUserId?: string;
}

/** An event_callback envelope, with the authorizations Bolt reads to find the installation. */
export function eventEnvelope(a: EventArgs): EnvelopedEvent<Record<string, unknown> & { type: string }> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: a.teamId,
    context_team_id: a.teamId,
    api_app_id: APP_ID,
    event: { event_ts: slackTs(), ...a.event },
    type: 'event_callback',
    event_id: a.eventId ?? `Ev${Date.now().toString(36).toUpperCase()}${++sequence}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: a.teamId,
        user_id: a.botUserId ?? 'U0LABBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

export function event(target: SlackTarget, a: EventArgs, opts?: SendOpts): Promise<SlackReply> {
  return postSigned(target, JSON.stringify(eventEnvelope(a)), 'application/json', opts);
}

/** The url_verification handshake Slack sends when the Request URL is saved; the app must echo `challenge`. */
export function urlVerification(
  target: SlackTarget,
  challenge: string,
  opts?: SendOpts,
): Promise<SlackReply> {
  return postSigned(
    target,
    JSON.stringify({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' }),
    'application/json',
    opts,
  );
}

// --- view_closed -----------------------------------------------------------------------

/** What Slack sends when a person closes a modal the app opened with notify_on_close. */
export function viewClosedFor(
  who: { userId: string; teamId: string },
  view: Record<string, unknown> & { id: string },
  opts: { isCleared?: boolean } = {},
): Record<string, unknown> {
  return {
    type: 'view_closed',
    team: team(who.teamId),
    user: user(who.userId, who.teamId),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    ...workspaceInstall,
    view: {
      ...viewOutput({ teamId: who.teamId, callbackId: String(view.callback_id ?? ''), viewId: view.id }),
      ...view,
    },
    is_cleared: opts.isCleared ?? false,
  };
}

/** Any interactivity payload, form-encoded and signed as Slack posts it. */
export function interaction(target: SlackTarget, payload: object, opts?: SendOpts): Promise<SlackReply> {
  return postPayload(target, payload, opts);
}
