import type {
  ActionRequest,
  ActResult,
  Block,
  ComposerRequest,
  FormValues,
  ShortcutRequest,
  SubmitResult,
  View,
} from './api.js';
import { messageShortcuts, slashCommands } from './manifest.js';
import { BOT, channelById, TEAM } from './seed.js';
import type { EmbeddedSlack } from './slack/embeddedSlack.js';
import { CannotSubmit, fill, type SentView } from './slack/forms.js';
import {
  blockActionPayload,
  event,
  interaction,
  messageShortcutPayload,
  slashCommand,
  viewClosedFor,
  viewSubmissionFor,
  type SlackReply,
  type SlackTarget,
} from './slack/requests.js';

/**
 * What a person on the page does, turned into the signed request Slack would send to the
 * app's /slack/events, and the app's answer handled as Slack handles it: a command's ack
 * shown to the person (or the channel), a view_submission's response_action applied, and
 * Slack's words when the app does not answer in 3 s or fails.
 */
export interface Wire {
  slack: EmbeddedSlack;
  target: SlackTarget;
}

/** A request the page made that Slack would not have let through: answered 4xx with these words. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly blockId?: string,
  ) {
    super(message);
  }
}

/** Slack gives an app 3 s to acknowledge an interaction. */
const ACK_MS = 3000;
const NO_ANSWER = "Labbook didn't respond in time.";
const WENT_WRONG = 'Something went wrong. Please try again.';

type Answer = { reply: SlackReply } | { timedOut: true } | { unreachable: string };

async function within3s(send: () => Promise<SlackReply>): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ACK_MS);
  });
  const sent = send().then(
    (reply): Answer => ({ reply }),
    (error: unknown): Answer => ({ unreachable: error instanceof Error ? error.message : String(error) }),
  );
  try {
    return await Promise.race([sent, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What Slack's client says to one person, in the conversation where they acted (or just to them). */
function notice(
  w: Wire,
  user: string,
  text: string,
  where?: { channel: string; threadTs?: string },
): ActResult {
  if (where)
    w.slack.state.add(where.channel, {
      kind: 'notice',
      ts: w.slack.nextTs(),
      user: BOT.id,
      text,
      fileIds: [],
      visibleTo: user,
      ...(where.threadTs ? { threadTs: where.threadTs } : {}),
    });
  else w.slack.state.emit({ type: 'notice', data: { user, text } });
  return { ok: false, notice: text };
}

const json = (reply: SlackReply): Record<string, unknown> | undefined =>
  typeof reply.json === 'object' && reply.json !== null && !Array.isArray(reply.json)
    ? (reply.json as Record<string, unknown>)
    : undefined;

// --- composer ------------------------------------------------------------------------

export async function compose(w: Wire, req: ComposerRequest): Promise<ActResult> {
  const where = { channel: req.channel, ...(req.threadTs ? { threadTs: req.threadTs } : {}) };
  if (req.text.startsWith('/')) return command(w, req, where);
  const channel = channelById(req.channel)!;
  // manifest.json keeps the Messages tab read-only: Slack lets nobody write to Labbook there.
  if (channel.kind === 'dm')
    return notice(w, req.as, 'Sending messages to this app has been turned off.', where);
  const ts = w.slack.nextTs();
  w.slack.state.add(req.channel, {
    kind: 'message',
    ts,
    user: req.as,
    text: req.text,
    fileIds: [],
    ...(req.threadTs ? { threadTs: req.threadTs } : {}),
  });
  // The Events API tells the app only about channels it is in (message.channels).
  if (channel.botIsMember)
    void event(w.target, {
      teamId: TEAM.id,
      botUserId: BOT.id,
      event: {
        type: 'message',
        channel: req.channel,
        channel_type: 'channel',
        user: req.as,
        text: req.text,
        ts,
        ...(req.threadTs ? { thread_ts: req.threadTs } : {}),
      },
    }).catch(() => undefined);
  return { ok: true };
}

async function command(
  w: Wire,
  req: ComposerRequest,
  where: { channel: string; threadTs?: string },
): Promise<ActResult> {
  const name = req.text.split(/\s/, 1)[0]!;
  if (!slashCommands.some((c) => c.command === name))
    return notice(
      w,
      req.as,
      `${name} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
      where,
    );
  const channel = channelById(req.channel)!;
  const context = { channel: req.channel, user: req.as, ...(req.threadTs ? { threadTs: req.threadTs } : {}) };
  const answer = await within3s(() =>
    slashCommand(w.target, {
      command: name,
      text: req.text.slice(name.length).trim(),
      userId: req.as,
      teamId: TEAM.id,
      channelId: req.channel,
      channelName: channel.kind === 'dm' ? 'directmessage' : channel.name,
      responseUrl: w.slack.responseUrl({ for: context }),
      triggerId: w.slack.triggerFor(req.as),
    }),
  );
  if ('timedOut' in answer)
    return notice(w, req.as, `${NO_ANSWER} ${name} failed with the error "operation_timeout"`, where);
  if ('unreachable' in answer || answer.reply.status !== 200)
    return notice(w, req.as, `${name} failed with the error "dispatch_failed"`, where);
  // An ack with a body is shown as Slack shows a response_url post: to the person, or in_channel.
  const body = json(answer.reply) ?? (answer.reply.text ? { text: answer.reply.text } : undefined);
  if (body && (body.text || body.blocks)) await respondAs(w, context, body);
  return { ok: true };
}

/** Applies a body the way a response_url post for `context` is applied (Block Kit checks included). */
async function respondAs(
  w: Wire,
  context: { channel: string; user: string; messageTs?: string; threadTs?: string },
  body: Record<string, unknown>,
): Promise<void> {
  await fetch(w.slack.responseUrl({ for: context }), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

// --- block_actions -------------------------------------------------------------------

type Element = Record<string, unknown> & { type: string; action_id?: string };

/** The interactive element `actionId` in block `blockId`: in elements, an accessory, or an input. */
function findElement(blocks: Block[] | undefined, blockId: string, actionId: string): Element | undefined {
  for (const block of blocks ?? []) {
    if ((block.block_id ?? '') !== blockId && blockId !== '') continue;
    const candidates = [
      ...(Array.isArray(block.elements) ? (block.elements as Element[]) : []),
      ...(block.accessory ? [block.accessory as Element] : []),
      ...(block.element ? [block.element as Element] : []),
    ];
    const found = candidates.find((e) => e.action_id === actionId);
    if (found) return { ...found, block_id: block.block_id ?? '' };
  }
  return undefined;
}

function optionsOf(element: Element): Record<string, unknown>[] {
  const direct = Array.isArray(element.options) ? (element.options as Record<string, unknown>[]) : [];
  const groups = Array.isArray(element.option_groups)
    ? (element.option_groups as { options?: Record<string, unknown>[] }[]).flatMap((g) => g.options ?? [])
    : [];
  return [...direct, ...groups];
}

/** One entry of `actions`, as Slack sends it for this element and what the person chose. */
function actionOf(element: Element, req: ActionRequest): Record<string, unknown> {
  const base = {
    type: element.type,
    action_id: req.actionId,
    block_id: String(element.block_id ?? req.blockId),
    action_ts: (Date.now() / 1000).toFixed(6),
  };
  const option = (value: string) => {
    const found = optionsOf(element).find((o) => o.value === value);
    if (!found) throw new Refused(400, 'invalid_request', `${req.actionId} has no option ${value}`);
    return { text: found.text, value: found.value };
  };
  switch (element.type) {
    case 'button':
      return {
        ...base,
        text: element.text,
        ...(element.value !== undefined ? { value: element.value } : {}),
        ...(element.style ? { style: element.style } : {}),
      };
    case 'overflow':
    case 'static_select':
    case 'radio_buttons':
      return {
        ...base,
        selected_option: req.selectedOption === undefined ? null : option(req.selectedOption),
      };
    case 'multi_static_select':
    case 'checkboxes':
      return { ...base, selected_options: (req.selectedOptions ?? []).map(option) };
    case 'users_select':
      return { ...base, selected_user: req.selectedUser ?? null };
    case 'multi_users_select':
      return { ...base, selected_users: req.selectedUsers ?? [] };
    case 'datepicker':
      return { ...base, selected_date: req.selectedDate ?? null };
    case 'timepicker':
      return { ...base, selected_time: req.selectedTime ?? null };
    case 'datetimepicker':
      return { ...base, selected_date_time: req.selectedDateTime ?? null };
    default:
      return { ...base, value: req.value ?? '' };
  }
}

function formState(view: View, values: FormValues | undefined): Record<string, unknown> {
  try {
    return fill(view as unknown as SentView, values ?? {}, { partial: true });
  } catch (error) {
    throw new Refused(400, 'invalid_request', error instanceof Error ? error.message : String(error));
  }
}

export async function act(w: Wire, req: ActionRequest): Promise<ActResult> {
  const who = { userId: req.as, teamId: TEAM.id };
  if ('viewId' in req.container) {
    const found = w.slack.state.view(req.container.viewId);
    if (!found || found.user !== req.as) throw new Refused(404, 'not_found', 'No such view is open for you.');
    const element = findElement(found.view.blocks, req.blockId, req.actionId);
    if (!element) throw new Refused(404, 'not_found', `The view has no element ${req.actionId}.`);
    const payload = {
      ...blockActionPayload({ ...who, actionId: req.actionId, view: found.view }),
      trigger_id: w.slack.triggerFor(req.as, found.view.id),
      container: { type: 'view', view_id: found.view.id },
      view: { ...found.view, state: { values: formState(found.view, req.state) } },
      actions: [actionOf(element, req)],
    };
    return interactionAnswer(w, req.as, () => interaction(w.target, payload));
  }
  const { channel, ts } = req.container;
  const message = w.slack.state.find(channel, ts, req.as);
  if (!message) throw new Refused(404, 'not_found', 'That message is not there any more.');
  const element = findElement(message.blocks, req.blockId, req.actionId);
  if (!element) throw new Refused(404, 'not_found', `The message has no element ${req.actionId}.`);
  const where = { channel, ...(message.threadTs ? { threadTs: message.threadTs } : {}) };
  const payload = {
    ...blockActionPayload({
      ...who,
      actionId: req.actionId,
      channelId: channel,
      messageTs: ts,
      message: {
        text: message.text,
        blocks: message.blocks ?? [],
        ...(message.botId ? { bot_id: message.botId, user: message.user } : { user: message.user }),
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      },
      responseUrl: w.slack.responseUrl({ for: { ...where, user: req.as, messageTs: ts } }),
      triggerId: w.slack.triggerFor(req.as),
    }),
    container: {
      type: 'message',
      message_ts: ts,
      channel_id: channel,
      is_ephemeral: message.kind === 'ephemeral',
    },
    channel: { id: channel, name: channelById(channel)?.name ?? channel },
    actions: [actionOf(element, req)],
  };
  return interactionAnswer(w, req.as, () => interaction(w.target, payload), where);
}

/** An interaction's ack: its body is not shown; no answer or a failure gets Slack's words. */
async function interactionAnswer(
  w: Wire,
  user: string,
  send: () => Promise<SlackReply>,
  where?: { channel: string; threadTs?: string },
): Promise<ActResult> {
  const answer = await within3s(send);
  if ('timedOut' in answer) return notice(w, user, NO_ANSWER, where);
  if ('unreachable' in answer || answer.reply.status !== 200) return notice(w, user, WENT_WRONG, where);
  return { ok: true };
}

// --- message shortcuts ---------------------------------------------------------------

export async function shortcut(w: Wire, req: ShortcutRequest): Promise<ActResult> {
  if (!messageShortcuts.some((s) => s.callbackId === req.callbackId))
    throw new Refused(404, 'not_found', `The app has no message shortcut ${req.callbackId}.`);
  const message = w.slack.state.find(req.channel, req.ts, req.as);
  if (!message || message.visibleTo)
    throw new Refused(404, 'not_found', 'That message is not there any more.');
  const where = { channel: req.channel, ...(message.threadTs ? { threadTs: message.threadTs } : {}) };
  const payload = messageShortcutPayload({
    userId: req.as,
    teamId: TEAM.id,
    callbackId: req.callbackId,
    channelId: req.channel,
    channelName: channelById(req.channel)?.name ?? req.channel,
    messageTs: req.ts,
    messageText: message.text,
    messageUser: message.user,
    responseUrl: w.slack.responseUrl({ for: { ...where, user: req.as } }),
    triggerId: w.slack.triggerFor(req.as),
  });
  return interactionAnswer(w, req.as, () => interaction(w.target, payload), where);
}

// --- modals --------------------------------------------------------------------------

function topView(w: Wire, user: string, viewId: string): View {
  const stack = w.slack.state.modalStack(user);
  const top = stack.at(-1);
  if (!top || top.view.id !== viewId)
    throw new Refused(404, 'not_found', 'That modal is not the one open for you.');
  return top.view;
}

export async function submit(
  w: Wire,
  user: string,
  viewId: string,
  values: FormValues,
): Promise<SubmitResult> {
  const view = topView(w, user, viewId);
  let state;
  try {
    state = fill(view as unknown as SentView, values);
  } catch (error) {
    if (error instanceof CannotSubmit) throw new Refused(400, 'cannot_submit', error.said, error.blockId);
    throw new Refused(400, 'invalid_request', error instanceof Error ? error.message : String(error));
  }
  const payload = {
    ...viewSubmissionFor({ userId: user, teamId: TEAM.id }, { ...view, state: { values: state } }),
    trigger_id: w.slack.triggerFor(user, view.id),
  };
  const answer = await within3s(() => interaction(w.target, payload));
  if ('timedOut' in answer)
    return { ok: false, outcome: 'no-answer', notice: notice(w, user, NO_ANSWER).notice! };
  if ('unreachable' in answer || answer.reply.status !== 200)
    return { ok: false, outcome: 'no-answer', notice: notice(w, user, WENT_WRONG).notice! };
  return applyResponseAction(w, user, view, json(answer.reply));
}

/** A view_submission's ack, as Slack applies it to the person's modal stack. */
function applyResponseAction(
  w: Wire,
  user: string,
  view: View,
  body: Record<string, unknown> | undefined,
): SubmitResult {
  const { state } = w.slack;
  const refused = w.slack.refusedAck(user, view, body);
  if (refused)
    return {
      ok: false,
      outcome: 'no-answer',
      notice: notice(w, user, `Slack refused the answer: ${String(refused.error)}`).notice!,
    };
  switch (body?.response_action) {
    case 'errors': {
      const errors = (body.errors ?? {}) as Record<string, string>;
      state.setErrors(user, view.id, errors);
      return { ok: true, outcome: 'errors', errors };
    }
    case 'update':
    case 'push': {
      const answer = w.slack.answerWithView(user, body.response_action, view.id, body.view);
      if (answer.ok !== true)
        return {
          ok: false,
          outcome: 'no-answer',
          notice: notice(w, user, `Slack refused the view: ${String(answer.error)}`).notice!,
        };
      return { ok: true, outcome: body.response_action === 'update' ? 'updated' : 'pushed' };
    }
    case 'clear':
      state.clearModals(user);
      return { ok: true, outcome: 'cleared' };
    default:
      state.popModal(user);
      return { ok: true, outcome: 'closed' };
  }
}

/** Cancel / ✕: the top view closes; the app hears view_closed when it asked to (notify_on_close). */
export async function close(w: Wire, user: string, viewId: string): Promise<ActResult> {
  const view = topView(w, user, viewId);
  w.slack.state.popModal(user);
  if (view.notify_on_close !== true) return { ok: true };
  return interactionAnswer(w, user, () =>
    interaction(w.target, viewClosedFor({ userId: user, teamId: TEAM.id }, view)),
  );
}

// --- Home tab ------------------------------------------------------------------------

/** A person opens their Home tab: Slack sends app_home_opened. */
export async function homeOpened(w: Wire, user: string): Promise<ActResult> {
  const answer = await within3s(() =>
    event(w.target, {
      teamId: TEAM.id,
      botUserId: BOT.id,
      event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' },
    }),
  );
  return 'reply' in answer && answer.reply.status === 200 ? { ok: true } : { ok: false };
}
