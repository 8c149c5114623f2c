import { z } from 'zod';

/**
 * The sandbox page's API: JSON over HTTP under `/sandbox/api/`, and Server-Sent Events of
 * what changed in the embedded Slack. The server validates every request body with these
 * schemas; the page imports this file for its types only (`import type`), so nothing here
 * may need Node. `as` is always the person the page acts as.
 *
 * The page reads state (workspace, conversations, modal, home) and sends what a person does
 * (composer, actions, submit, close, shortcuts); every action becomes the signed request
 * Slack would send to Labbook, and what Labbook does in answer arrives as events naming
 * what to fetch again.
 */

export const API_PREFIX = '/sandbox/api/';

/** A Slack user id (U…), a channel id (C… or a DM's D…), a message ts ("1700000000.000100"). */
const id = z.string().min(1).max(40);
const ts = z.string().regex(/^\d+\.\d+$/);

// --- what the page reads --------------------------------------------------------------

/** Raw Block Kit JSON as the app sent it (the page renders it; the server never reshapes it). */
export type Block = Record<string, unknown> & { type: string; block_id?: string };

/** A Slack view (modal or Home tab) as Slack answered it: the app's view plus id and hash. */
export type View = Record<string, unknown> & {
  id: string;
  type: 'modal' | 'home';
  hash: string;
  blocks: Block[];
  title?: { type: 'plain_text'; text: string };
  submit?: { type: 'plain_text'; text: string } | null;
  close?: { type: 'plain_text'; text: string } | null;
  callback_id?: string;
  private_metadata?: string;
};

export interface Person {
  id: string;
  name: string;
  /** IANA zone, e.g. "Europe/London": `<!date^…>` tokens and the clock render in it. */
  tz: string;
  title: string;
  isAdmin: boolean;
}

export interface Channel {
  id: string;
  /** Without the '#'; for a DM, "Labbook". */
  name: string;
  kind: 'channel' | 'dm';
  botIsMember: boolean;
  members: string[];
  /** For a DM: the person whose DM with Labbook it is (only they see it). */
  user?: string;
}

export interface ClockState {
  /** The app's now, ISO 8601 UTC. */
  now: string;
  /** How far the app's clock is ahead of the machine's. */
  offsetMs: number;
}

export interface SlashCommandInfo {
  command: string;
  description: string;
  usageHint: string;
}

export interface MessageShortcutInfo {
  callbackId: string;
  name: string;
}

export interface Workspace {
  team: { id: string; name: string };
  bot: { id: string; name: string };
  people: Person[];
  /** Channels, then each person's DM with Labbook. */
  channels: Channel[];
  clock: ClockState;
  /** When the next weekly digest falls due (ISO), or null when none is scheduled. */
  nextDigestAt: string | null;
  version: string;
  /** From manifest.json: what the composer accepts and the message menu offers. */
  slashCommands: SlashCommandInfo[];
  messageShortcuts: MessageShortcutInfo[];
}

export interface SandboxFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  /** Where the page fetches the bytes: `/sandbox/api/files/<id>`. */
  url: string;
}

/**
 * One entry of a conversation as the viewer sees it:
 * - `message`: a person's or the bot's message (thread replies are fetched with the thread);
 * - `ephemeral`: shown only to the viewer ("Only visible to you");
 * - `notice`: what Slack's client says to the viewer when the app misbehaves ("Labbook
 *   didn't respond in time", "/hypothesis failed with the error …"); only to the viewer;
 * - `refused`: what the app tried to post and Slack refused (Block Kit limits…), with
 *   Slack's error and reasons, where the message would have gone.
 */
export interface Message {
  kind: 'message' | 'ephemeral' | 'notice' | 'refused';
  ts: string;
  /** The author: a person's id or the bot's user id. */
  user: string;
  /** Set when the bot wrote it. */
  botId?: string;
  text: string;
  blocks?: Block[];
  files: SandboxFile[];
  /** Set once chat.update changed it. */
  edited?: { ts: string };
  threadTs?: string;
  replyCount: number;
  latestReply?: string;
  /** For `refused`: the method, Slack's error and its reasons. */
  refusal?: Refusal;
}

export interface Refusal {
  method: string;
  error: string;
  reasons: string[];
}

export interface Conversation {
  channel: string;
  /** Oldest first; at most 200, the latest (older ones with `?before=<ts>`). */
  messages: Message[];
  hasMore: boolean;
}

export interface Thread {
  channel: string;
  parent: Message;
  /** Oldest first, ephemerals and notices for the viewer interleaved. */
  replies: Message[];
}

export interface ModalView {
  view: View;
  /** Per input block_id, the error a `response_action: errors` put under it. */
  errors: Record<string, string>;
}

/** The viewer's modal stack, the top (visible) one last; empty when no modal is open. */
export interface ModalStack {
  views: ModalView[];
}

export interface HomeTab {
  view: View | null;
}

// --- what the page sends ---------------------------------------------------------------

/**
 * What a person put into one input: text ('' or null clears it), option value(s), user
 * id(s), a date 'YYYY-MM-DD', a time 'HH:mm', or a moment in epoch seconds (datetimepicker).
 */
export const FormValueSchema = z.union([z.string(), z.number(), z.null(), z.array(z.string())]);
export type FormValue = z.infer<typeof FormValueSchema>;

/** A form as the person has it, by input block_id. */
export const FormValuesSchema = z.record(z.string(), FormValueSchema);
export type FormValues = z.infer<typeof FormValuesSchema>;

export const ComposerRequestSchema = z.object({
  as: id,
  channel: id,
  threadTs: ts.optional(),
  text: z.string().min(1).max(40_000),
});
export type ComposerRequest = z.infer<typeof ComposerRequestSchema>;

export const ActionRequestSchema = z.object({
  as: id,
  /** A message (or ephemeral) in a channel, or a view (modal or Home tab). */
  container: z.union([z.object({ channel: id, ts }), z.object({ viewId: id })]),
  actionId: z.string().min(1).max(255),
  blockId: z.string().max(255),
  /** The element's value: a button's `value`, or typed text for a dispatch_action input. */
  value: z.string().optional(),
  /** Option values, as the element lists them. */
  selectedOption: z.string().optional(),
  selectedOptions: z.array(z.string()).optional(),
  selectedUser: id.optional(),
  selectedUsers: z.array(id).optional(),
  selectedDate: z.string().optional(),
  selectedTime: z.string().optional(),
  /** Epoch seconds. */
  selectedDateTime: z.number().optional(),
  /** For an action inside a view: the form as the person has it so far. */
  state: FormValuesSchema.optional(),
});
export type ActionRequest = z.infer<typeof ActionRequestSchema>;

export const SubmitRequestSchema = z.object({ as: id, values: FormValuesSchema });
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>;

export const CloseRequestSchema = z.object({ as: id });
export type CloseRequest = z.infer<typeof CloseRequestSchema>;

/** POST home/opened: the person opened their Home tab; Slack sends the app app_home_opened. */
export const HomeOpenedRequestSchema = z.object({ as: id });
export type HomeOpenedRequest = z.infer<typeof HomeOpenedRequestSchema>;

export const ShortcutRequestSchema = z.object({
  as: id,
  channel: id,
  ts,
  callbackId: z.string().min(1),
});
export type ShortcutRequest = z.infer<typeof ShortcutRequestSchema>;

export const ClockRequestSchema = z.union([
  z.object({ advance: z.union([z.literal('PT1H'), z.literal('P1D'), z.number().int().positive()]) }),
  /** To the next weekly digest, or to whenever Labbook next has anything to send. */
  z.object({ to: z.enum(['next-digest', 'next-message']) }),
]);
export type ClockRequest = z.infer<typeof ClockRequestSchema>;

// --- what the server answers ------------------------------------------------------------

/**
 * The answer to composer / actions / shortcuts: the request reached Labbook (`ok`), or
 * Slack's client would have said `notice` to the person (also stored in the conversation
 * and sent as a `notice` event).
 */
export interface ActResult {
  ok: boolean;
  notice?: string;
}

/** The answer to a submit: what Slack did with the modal. */
export interface SubmitResult {
  ok: boolean;
  /** closed: the stack is gone (or the top view popped); errors: shown under their fields. */
  outcome: 'closed' | 'errors' | 'updated' | 'pushed' | 'cleared' | 'no-answer';
  errors?: Record<string, string>;
  notice?: string;
}

/**
 * Any 4xx: `error` a stable code (`invalid_request`, `not_found`, `cannot_submit`…),
 * `message` the words to show. For a form Slack's client would not submit, `blockId`
 * names the field.
 */
export interface ApiError {
  error: string;
  message: string;
  blockId?: string;
}

// --- events (GET /sandbox/api/events, Server-Sent Events) ------------------------------

/**
 * What changed, one way, from the embedded Slack's state; the page refetches what an event
 * names. Each SSE message has `event: <type>` and `data: <JSON of data>`.
 */
export type SandboxEvent =
  | { type: 'message.new'; data: { channel: string; ts: string; threadTs?: string } }
  | { type: 'message.update'; data: { channel: string; ts: string; threadTs?: string } }
  | { type: 'message.delete'; data: { channel: string; ts: string; threadTs?: string } }
  | { type: 'ephemeral.new'; data: { channel: string; user: string; ts: string; threadTs?: string } }
  | { type: 'view.open'; data: { user: string; viewId: string } }
  | { type: 'view.update'; data: { user: string; viewId: string } }
  | { type: 'view.close'; data: { user: string; viewId: string } }
  | { type: 'home.publish'; data: { user: string } }
  | { type: 'file.new'; data: { id: string; channel?: string } }
  | { type: 'file.delete'; data: { id: string; channel?: string } }
  | {
      type: 'refused';
      data: { method: string; channel?: string; user?: string; error: string; reasons: string[] };
    }
  | { type: 'notice'; data: { user: string; channel?: string; text: string } }
  | { type: 'clock'; data: ClockState }
  | { type: 'reset'; data: Record<string, never> };

export type SandboxEventType = SandboxEvent['type'];
