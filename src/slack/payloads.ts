import { z } from 'zod';

/**
 * Slack payloads as Labbook reads them, parsed once at the edge. Bolt has already
 * verified the signature; these schemas check that what Labbook relies on is present,
 * so nothing deeper handles `undefined` from a malformed or unexpected payload.
 */
export const slackId = z.string().regex(/^[A-Z0-9]{2,}$/, 'not a Slack id');

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What a person typed, as PostgreSQL can keep it. Slack passes on NUL bytes and unpaired
 * UTF-16 surrogates (a paste from a binary file, an emoji cut in half by a client), and
 * PostgreSQL refuses both (text cannot hold NUL; jsonb refuses the escapes), so the save
 * would fail with an apology. Removing them keeps everything else exactly as typed.
 */
export function storableText(text: string): string {
  return text.replace(/\0/g, '').replace(UNPAIRED_SURROGATE, '');
}

/** A string a person typed, cleaned at the edge (see storableText). */
const typed = z.string().transform(storableText);

export const SlashCommandPayload = z.object({
  team_id: slackId,
  user_id: slackId,
  channel_id: slackId,
  channel_name: z.string().optional(),
  text: typed.pipe(z.string().max(4000)).default(''),
  response_url: z.url(),
  trigger_id: z.string().min(1),
});
export type SlashCommandPayload = z.infer<typeof SlashCommandPayload>;

const StateValue = z.looseObject({
  type: z.string(),
  value: typed.nullish(),
  selected_user: z.string().nullish(),
  selected_users: z.array(z.string()).nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_date: z.string().nullish(),
  selected_date_time: z.number().nullish(),
});
const StateValues = z.record(z.string(), z.record(z.string(), StateValue));

const ViewPayload = z.looseObject({
  id: z.string(),
  hash: z.string().optional(),
  // Home views carry an empty or missing callback_id.
  callback_id: z.string().default(''),
  private_metadata: z.string().default(''),
  state: z.object({ values: StateValues }).default({ values: {} }),
});

export const ViewSubmissionPayload = z.object({
  team: z.object({ id: slackId }),
  user: z.object({ id: slackId }),
  view: ViewPayload,
});
export type ViewSubmissionPayload = z.infer<typeof ViewSubmissionPayload>;

export const BlockActionPayload = z.object({
  team: z.object({ id: slackId }),
  user: z.object({ id: slackId }),
  trigger_id: z.string().min(1),
  response_url: z.url().optional(),
  channel: z.object({ id: slackId }).nullish(),
  container: z
    .looseObject({ message_ts: z.string().optional(), channel_id: z.string().optional() })
    .optional(),
  view: ViewPayload.nullish(),
  // A button's value is ours; a dispatching text input's is what the person typed.
  actions: z.array(z.looseObject({ action_id: z.string(), value: typed.optional() })).min(1),
});
export type BlockActionPayload = z.infer<typeof BlockActionPayload>;

export const MessageShortcutPayload = z.object({
  team: z.object({ id: slackId }),
  user: z.object({ id: slackId }),
  channel: z.object({ id: slackId }),
  trigger_id: z.string().min(1),
  response_url: z.url(),
  message_ts: z.string(),
  message: z.looseObject({ text: typed.default(''), user: z.string().optional(), ts: z.string() }),
});
export type MessageShortcutPayload = z.infer<typeof MessageShortcutPayload>;

export type FormValue = string | string[] | null;

/**
 * Flattens view.state.values into { blockId: value }. Labbook gives each input block one
 * element, so the block id names the field; nothing past this function reads Slack's
 * nested shape.
 */
export function readViewState(values: z.infer<typeof StateValues>): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const [blockId, actions] of Object.entries(values)) {
    const element = Object.values(actions)[0];
    if (!element) continue;
    out[blockId] =
      element.selected_users ??
      element.selected_options?.map((o) => o.value) ??
      element.selected_user ??
      element.selected_conversation ??
      element.selected_channel ??
      element.selected_option?.value ??
      element.selected_date ??
      (typeof element.selected_date_time === 'number' ? String(element.selected_date_time) : undefined) ??
      element.value ??
      null;
  }
  return out;
}

/** JSON in private_metadata or a button value, checked against what we put there. */
export function parseJson<S extends z.ZodType>(schema: S, text: string | undefined): z.output<S> | undefined {
  if (!text) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `message` event, as far as the meeting threads need it: a reply (with thread_ts), an
 * edit (message_changed, the new message nested) or a deletion (message_deleted).
 */
const MessageBody = z.looseObject({
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: typed.default(''),
  ts: z.string(),
  thread_ts: z.string().optional(),
});
export const MessageEvent = z.looseObject({
  type: z.literal('message'),
  subtype: z.string().optional(),
  channel: z.string(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: typed.default(''),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  deleted_ts: z.string().optional(),
  message: MessageBody.optional(),
  previous_message: MessageBody.optional(),
});
export type MessageEvent = z.infer<typeof MessageEvent>;

/** user_change / user_status_changed: the person's profile as it is now. */
export const UserChangeEvent = z.looseObject({
  user: z.looseObject({
    id: z.string().min(1),
    tz: z.string().optional(),
    profile: z
      .looseObject({
        status_emoji: z.string().optional(),
        status_text: z.string().optional(),
        status_expiration: z.number().optional(),
      })
      .optional(),
  }),
});
export type UserChangeEvent = z.infer<typeof UserChangeEvent>;
