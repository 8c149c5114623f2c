import { createHmac } from 'node:crypto';

/**
 * Requests as Slack sends them: signed with the app's signing secret (v0 HMAC-SHA256 of
 * "v0:timestamp:body"), posted to the app's real HTTP receiver.
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackTarget {
  url: string;
  signingSecret: string;
}

export interface SendOpts {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  badSignature?: boolean;
}

export interface SlackReply {
  status: number;
  text: string;
  json: unknown;
}

export async function postSigned(
  target: SlackTarget,
  body: string,
  contentType: string,
  opts: SendOpts = {},
): Promise<SlackReply> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = opts.badSignature
    ? sign('not-the-secret', timestamp, body)
    : sign(target.signingSecret, timestamp, body);
  const res = await fetch(target.url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
let triggers = 0;
const trigger = () => `${Date.now()}.${++triggers}.fa4e1d2c3b`;

const team = (id: string) => ({ id, domain: id.toLowerCase() });
const user = (id: string, teamId: string) => ({
  id,
  username: id.toLowerCase(),
  name: id.toLowerCase(),
  team_id: teamId,
});

export interface CommandArgs {
  text: string;
  userId: string;
  teamId: string;
  channelId: string;
  responseUrl: string;
  command?: string;
  triggerId?: string;
  userName?: string;
  channelName?: string;
}

/** A slash command, form-encoded as Slack posts it. */
export function slashCommand(target: SlackTarget, a: CommandArgs, opts?: SendOpts): Promise<SlackReply> {
  return postSigned(
    target,
    form({
      token: 'verification-token-unused',
      team_id: a.teamId,
      team_domain: a.teamId.toLowerCase(),
      channel_id: a.channelId,
      channel_name: a.channelName ?? 'ml-ranking',
      user_id: a.userId,
      user_name: a.userName ?? a.userId.toLowerCase(),
      command: a.command ?? '/hypothesis',
      text: a.text,
      api_app_id: 'A0LABBOOK',
      is_enterprise_install: 'false',
      response_url: a.responseUrl,
      trigger_id: a.triggerId ?? trigger(),
    }),
    'application/x-www-form-urlencoded',
    opts,
  );
}

function interactive(
  target: SlackTarget,
  payload: Record<string, unknown>,
  opts?: SendOpts,
): Promise<SlackReply> {
  return postSigned(
    target,
    form({ payload: JSON.stringify(payload) }),
    'application/x-www-form-urlencoded',
    opts,
  );
}

export interface ActionArgs {
  userId: string;
  teamId: string;
  actionId: string;
  value?: string;
  blockId?: string;
  responseUrl?: string;
  channelId?: string;
  messageTs?: string;
  /** When the action comes from a modal or the Home tab. */
  view?: Record<string, unknown>;
  selectedOption?: string;
  triggerId?: string;
  actionType?: string;
}

/** A block_actions payload: a button (or input with dispatch_action) pressed. */
export function blockAction(target: SlackTarget, a: ActionArgs, opts?: SendOpts): Promise<SlackReply> {
  const action: Record<string, unknown> = {
    type: a.actionType ?? 'button',
    action_id: a.actionId,
    block_id: a.blockId ?? 'b1',
    action_ts: `${Date.now() / 1000}`,
    ...(a.value !== undefined ? { value: a.value } : {}),
    ...(a.selectedOption
      ? { selected_option: { value: a.selectedOption, text: { type: 'plain_text', text: a.selectedOption } } }
      : {}),
  };
  const fromMessage = a.channelId && a.messageTs;
  return interactive(
    target,
    {
      type: 'block_actions',
      team: team(a.teamId),
      user: user(a.userId, a.teamId),
      api_app_id: 'A0LABBOOK',
      token: 'verification-token-unused',
      trigger_id: a.triggerId ?? trigger(),
      is_enterprise_install: false,
      enterprise: null,
      container: fromMessage
        ? { type: 'message', message_ts: a.messageTs, channel_id: a.channelId, is_ephemeral: false }
        : a.view
          ? { type: 'view', view_id: a.view.id }
          : { type: 'message' },
      ...(a.channelId ? { channel: { id: a.channelId, name: 'ml-ranking' } } : {}),
      ...(a.view ? { view: a.view } : {}),
      ...(a.responseUrl ? { response_url: a.responseUrl } : {}),
      actions: [action],
    },
    opts,
  );
}

export interface SubmissionArgs {
  userId: string;
  teamId: string;
  callbackId: string;
  privateMetadata?: string;
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
}

/** A view_submission payload: a modal's Submit pressed. The reply body carries response_action. */
export function viewSubmission(target: SlackTarget, a: SubmissionArgs, opts?: SendOpts): Promise<SlackReply> {
  return interactive(
    target,
    {
      type: 'view_submission',
      team: team(a.teamId),
      user: user(a.userId, a.teamId),
      api_app_id: 'A0LABBOOK',
      token: 'verification-token-unused',
      trigger_id: trigger(),
      is_enterprise_install: false,
      enterprise: null,
      view: {
        id: a.viewId ?? 'V0MODAL',
        team_id: a.teamId,
        type: 'modal',
        callback_id: a.callbackId,
        private_metadata: a.privateMetadata ?? '',
        hash: 'h0',
        state: { values: a.values },
      },
      response_urls: [],
    },
    opts,
  );
}

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
}

/** A message shortcut, chosen from a message's "More actions" menu. */
export function messageShortcut(target: SlackTarget, a: ShortcutArgs, opts?: SendOpts): Promise<SlackReply> {
  return interactive(
    target,
    {
      type: 'message_action',
      callback_id: a.callbackId,
      team: team(a.teamId),
      user: user(a.userId, a.teamId),
      channel: { id: a.channelId, name: 'ml-ranking' },
      api_app_id: 'A0LABBOOK',
      token: 'verification-token-unused',
      trigger_id: a.triggerId ?? trigger(),
      is_enterprise_install: false,
      enterprise: null,
      message_ts: a.messageTs,
      response_url: a.responseUrl,
      message: { type: 'message', text: a.messageText, user: a.messageUser ?? 'U0WRITER', ts: a.messageTs },
    },
    opts,
  );
}

/** An Events API event_callback, JSON as Slack posts it. */
export function event(
  target: SlackTarget,
  a: { teamId: string; event: Record<string, unknown>; eventId?: string },
  opts?: SendOpts,
): Promise<SlackReply> {
  return postSigned(
    target,
    JSON.stringify({
      token: 'verification-token-unused',
      team_id: a.teamId,
      api_app_id: 'A0LABBOOK',
      event: { event_ts: `${Date.now() / 1000}`, ...a.event },
      type: 'event_callback',
      event_id: a.eventId ?? `Ev${Date.now()}${++triggers}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: a.teamId,
          user_id: 'U0LABBOT',
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    }),
    'application/json',
    opts,
  );
}

/** state.values entries as Slack sends them for each input element. */
export const input = {
  text: (value: string | null) => ({ type: 'plain_text_input', value }),
  number: (value: string | null) => ({ type: 'number_input', value }),
  user: (id: string | null) => ({ type: 'users_select', selected_user: id }),
  users: (ids: string[]) => ({ type: 'multi_users_select', selected_users: ids }),
  conversation: (id: string | null) => ({ type: 'conversations_select', selected_conversation: id }),
  select: (value: string | null) => ({
    type: 'static_select',
    selected_option: value === null ? null : { value, text: { type: 'plain_text', text: value } },
  }),
  radio: (value: string | null) => ({
    type: 'radio_buttons',
    selected_option: value === null ? null : { value, text: { type: 'plain_text', text: value } },
  }),
};
