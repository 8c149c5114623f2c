import type { EmbeddedSlack, RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import {
  blockAction,
  postSigned,
  viewSubmissionFor,
  type SendOpts,
  type SlackReply,
  type SlackTarget,
} from '../../src/sandbox/slack/requests.js';

/**
 * A person filling in a modal the app really sent. The view comes from a recorded
 * views.open / views.push / views.update answer (so it carries the id and hash Slack gave
 * it); values are typed into its inputs by label or block_id; what Slack would send back
 * on Submit is built from the view's own block_id / action_id pairs. A label or block id
 * that drifts from the parser fails here, as it would for a person.
 *
 * viewOpenedBy(fake, callbackId, act) waits for the modal a command or a press opened;
 * typeInto() sends what a dispatch_action input sends as someone types, with that view.
 */
export type Json = Record<string, unknown>;

/** A rendered view as Slack answered it: the app's view plus id, hash, team and state. */
export interface SentView extends Json {
  id: string;
  hash: string;
  callback_id?: string;
  private_metadata?: string;
  blocks: Json[];
}

/**
 * What a person does to one input: type text ('' clears it), pick option(s) by their text
 * or value, pick user(s) or a conversation by id, pick a date 'YYYY-MM-DD', a time 'HH:mm'
 * or a moment as epoch seconds (datetimepicker).
 */
export type FillValue = string | number | null | string[];

const VIEW_METHODS = ['views.open', 'views.push', 'views.update'];

/** The latest view the app opened, pushed or updated, optionally with this callback_id. */
export function latestView(fake: EmbeddedSlack, callbackId?: string): SentView {
  const calls = fake.calls.filter(
    (c) => VIEW_METHODS.includes(c.method) && c.ok && (!callbackId || viewOf(c)?.callback_id === callbackId),
  );
  const call = calls.at(-1);
  if (!call) {
    const seen = fake.calls.filter((c) => VIEW_METHODS.includes(c.method)).map((c) => viewOf(c)?.callback_id);
    throw new Error(
      `no modal${callbackId ? ` ${callbackId}` : ''} was sent; views seen: ${JSON.stringify(seen)}`,
    );
  }
  return viewOf(call)!;
}

/** Waits for the app to open/push/update a view with this callback_id, then returns it. */
export async function waitForView(
  fake: EmbeddedSlack,
  callbackId: string,
  timeoutMs = 5000,
): Promise<SentView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return latestView(fake, callbackId);
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function viewOf(call: RecordedCall): SentView | undefined {
  const view = call.response?.view;
  return view && typeof view === 'object' ? (view as SentView) : undefined;
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s:?.*]+$/, '');

/** The input a person means by `key`: its block_id, or its label (case and trailing punctuation aside). */
function findInput(view: SentView, key: string): InputBlock {
  const inputs = inputsOf(view);
  const match = inputs.find((i) => i.block_id === key) ?? inputs.find((i) => norm(i.label) === norm(key));
  if (!match)
    throw new Error(
      `modal ${String(view.callback_id)} has no input "${key}"; it has: ${inputs.map((i) => `${i.label} (${i.block_id})`).join(', ')}`,
    );
  return match;
}

interface InputBlock {
  block_id: string;
  label: string;
  optional: boolean;
  element: Json;
}

/** The input blocks of a view, as a person sees them: label, whether it is required, the element. */
export function inputsOf(view: SentView): InputBlock[] {
  return view.blocks
    .filter((b) => b.type === 'input')
    .map((b) => ({
      block_id: String(b.block_id ?? ''),
      label: String((b.label as Json | undefined)?.text ?? ''),
      optional: b.optional === true,
      element: b.element as Json,
    }));
}

/**
 * The state.values Slack would send for this view after a person typed `values` into it.
 * Keys are labels (case-insensitive, trailing punctuation ignored) or block ids. Inputs not
 * named keep what the app pre-filled (initial_*), as Slack does. Throws, as Slack's client
 * would refuse to submit, when a key matches no input, a required input is left empty, or
 * text is longer than the element's max_length.
 */
export function fill(
  view: SentView,
  values: Record<string, FillValue>,
  opts: { partial?: boolean } = {},
): Json {
  const inputs = inputsOf(view);
  const chosen = new Map<string, FillValue>();
  for (const [key, value] of Object.entries(values)) chosen.set(findInput(view, key).block_id, value);
  const state: Record<string, Record<string, Json>> = {};
  for (const i of inputs) {
    const actionId = String(i.element.action_id ?? '');
    const entry = chosen.has(i.block_id) ? typed(i, chosen.get(i.block_id)!) : prefilled(i.element);
    if (!opts.partial && !i.optional && isEmpty(entry))
      throw new Error(
        `"${i.label}" is required in ${String(view.callback_id)}; Slack would not submit it empty`,
      );
    state[i.block_id] = { [actionId]: entry };
  }
  return state;
}

/** Fills the view and presses Submit: the view_submission Slack would send, signed. */
export function submit(
  target: SlackTarget,
  who: { userId: string; teamId: string },
  view: SentView,
  values: Record<string, FillValue> = {},
  opts?: SendOpts,
): Promise<SlackReply> {
  const payload = viewSubmissionFor(who, { ...view, state: { values: fill(view, values) } });
  return postSigned(
    target,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
    opts,
  );
}

/**
 * A person typing `value` into the input `key` (label or block_id) of a modal whose element
 * dispatches actions (dispatch_action: true): the block_actions Slack sends from inside the
 * view, with the view's id and hash and what the form holds so far.
 */
export function typeInto(
  target: SlackTarget,
  who: { userId: string; teamId: string },
  view: SentView,
  key: string,
  value: FillValue,
): Promise<SlackReply> {
  const input = findInput(view, key);
  const type = String(input.element.type);
  if (type !== 'number_input' && type !== 'plain_text_input')
    throw new Error(`typeInto() types into text and number inputs; "${input.label}" is a ${type}`);
  return blockAction(target, {
    ...who,
    actionId: String(input.element.action_id),
    blockId: input.block_id,
    actionType: type,
    value: value === null ? '' : String(value),
    view: { ...view, state: { values: fill(view, { [key]: value }, { partial: true }) } },
  });
}

const option = (o: Json) => ({ text: o.text, value: o.value });

function optionsOf(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? (element.options as Json[]) : [];
  const grouped = Array.isArray(element.option_groups)
    ? (element.option_groups as Json[]).flatMap((g) => (g.options as Json[]) ?? [])
    : [];
  return [...direct, ...grouped];
}

function findOption(i: InputBlock, wanted: string): Json {
  const options = optionsOf(i.element);
  const text = (o: Json) => String((o.text as Json | undefined)?.text ?? '');
  const found =
    options.find((o) => o.value === wanted) ??
    options.find((o) => text(o).toLowerCase() === wanted.toLowerCase());
  if (!found)
    throw new Error(
      `"${i.label}" has no option "${wanted}"; it offers: ${options.map((o) => `${text(o)}=${String(o.value)}`).join(', ')}`,
    );
  return option(found);
}

function typed(i: InputBlock, v: FillValue): Json {
  const type = String(i.element.type);
  const list = Array.isArray(v) ? v : v === null || v === '' ? [] : [String(v)];
  const one = list[0] ?? null;
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const text = v === null || v === '' ? null : String(v);
      const max = typeof i.element.max_length === 'number' ? i.element.max_length : undefined;
      if (text && max !== undefined && text.length > max)
        throw new Error(`"${i.label}" takes at most ${max} characters; Slack's client stops typing there`);
      if (text && type === 'number_input') checkNumber(i, text);
      return { type, value: text };
    }
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: one === null ? null : findOption(i, one) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: list.map((x) => findOption(i, x)) };
    case 'users_select':
      return { type, selected_user: one };
    case 'multi_users_select':
      return { type, selected_users: list };
    case 'conversations_select':
      return { type, selected_conversation: one };
    case 'channels_select':
      return { type, selected_channel: one };
    case 'multi_conversations_select':
      return { type, selected_conversations: list };
    case 'datepicker':
      return { type, selected_date: one };
    case 'timepicker':
      return { type, selected_time: one };
    case 'datetimepicker':
      return { type, selected_date_time: v === null || v === '' ? null : Number(v) };
    default:
      throw new Error(`fill() does not know how to type into a ${type} ("${i.label}")`);
  }
}

/** Slack's client refuses to submit a number_input outside min_value..max_value, or a decimal where none is allowed. */
function checkNumber(i: InputBlock, text: string): void {
  const n = Number(text);
  const { min_value: min, max_value: max, is_decimal_allowed: decimals } = i.element;
  if (Number.isNaN(n) || (decimals !== true && !Number.isInteger(n)))
    throw new Error(
      `"${i.label}" takes ${decimals === true ? 'a number' : 'a whole number'}; Slack would not submit "${text}"`,
    );
  if (min !== undefined && n < Number(min))
    throw new Error(`"${i.label}" is at least ${String(min)}; Slack would not submit ${text}`);
  if (max !== undefined && n > Number(max))
    throw new Error(`"${i.label}" is at most ${String(max)}; Slack would not submit ${text}`);
}

/**
 * Runs `act` (a command, a button press) and waits for the modal with `callbackId` that the
 * app opens, pushes or updates because of it; an earlier one with the same callback_id does
 * not count.
 */
export async function viewOpenedBy(
  fake: EmbeddedSlack,
  callbackId: string,
  act: () => Promise<unknown>,
  timeoutMs = 5000,
): Promise<SentView> {
  const before = fake.calls.length;
  await act();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const call = fake.calls
      .slice(before)
      .find((c) => VIEW_METHODS.includes(c.method) && c.ok && viewOf(c)?.callback_id === callbackId);
    if (call) return viewOf(call)!;
    if (Date.now() >= deadline) {
      const seen = fake.calls
        .slice(before)
        .map((c) => `${c.method}${c.ok ? '' : `(${String(c.response?.error ?? c.fault)})`}`);
      throw new Error(`no modal ${callbackId} was opened; calls since: ${seen.join(', ') || 'none'}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What Slack sends for an input nobody touched: its initial value, or empty. */
function prefilled(e: Json): Json {
  const type = String(e.type);
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type, value: typeof e.initial_value === 'string' ? e.initial_value : null };
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: e.initial_option ? option(e.initial_option as Json) : null };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: ((e.initial_options as Json[] | undefined) ?? []).map(option) };
    case 'users_select':
      return { type, selected_user: e.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: e.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: e.initial_conversation ?? null };
    case 'channels_select':
      return { type, selected_channel: e.initial_channel ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: e.initial_conversations ?? [] };
    case 'datepicker':
      return { type, selected_date: e.initial_date ?? null };
    case 'timepicker':
      return { type, selected_time: e.initial_time ?? null };
    case 'datetimepicker':
      return { type, selected_date_time: e.initial_date_time ?? null };
    default:
      return { type };
  }
}

function isEmpty(entry: Json): boolean {
  const v = Object.entries(entry).find(([k]) => k !== 'type')?.[1];
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}
