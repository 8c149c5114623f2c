/**
 * A person filling in a modal the app really sent, as Slack's client lets them: the inputs
 * of a view (label, required or not, element), what they typed turned into the
 * `state.values` Slack sends back, and what the client would refuse to submit (a required
 * input left empty, text over max_length, a number out of range), with the words it says.
 * Used by the sandbox API (a person on the page) and the tests (test/support/modals.ts).
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

/**
 * What Slack's client would not let a person submit: `message` says why for a test reading
 * the failure, `said` is what the client shows under the field, `blockId` names it.
 */
export class CannotSubmit extends Error {
  constructor(
    message: string,
    readonly said: string,
    readonly blockId?: string,
  ) {
    super(message);
    this.name = 'CannotSubmit';
  }
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s:?.*]+$/, '');

/** The input a person means by `key`: its block_id, or its label (case and trailing punctuation aside). */
export function findInput(view: SentView, key: string): InputBlock {
  const inputs = inputsOf(view);
  const match = inputs.find((i) => i.block_id === key) ?? inputs.find((i) => norm(i.label) === norm(key));
  if (!match)
    throw new Error(
      `modal ${String(view.callback_id)} has no input "${key}"; it has: ${inputs.map((i) => `${i.label} (${i.block_id})`).join(', ')}`,
    );
  return match;
}

export interface InputBlock {
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
      throw new CannotSubmit(
        `"${i.label}" is required in ${String(view.callback_id)}; Slack would not submit it empty`,
        'Please complete this required field.',
        i.block_id,
      );
    state[i.block_id] = { [actionId]: entry };
  }
  return state;
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
        throw new CannotSubmit(
          `"${i.label}" takes at most ${max} characters; Slack's client stops typing there`,
          `Must be ${max} characters or fewer.`,
          i.block_id,
        );
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
    throw new CannotSubmit(
      `"${i.label}" takes ${decimals === true ? 'a number' : 'a whole number'}; Slack would not submit "${text}"`,
      decimals === true ? 'Enter a number.' : 'Enter a whole number.',
      i.block_id,
    );
  if (min !== undefined && n < Number(min))
    throw new CannotSubmit(
      `"${i.label}" is at least ${String(min)}; Slack would not submit ${text}`,
      `Enter a number of at least ${String(min)}.`,
      i.block_id,
    );
  if (max !== undefined && n > Number(max))
    throw new CannotSubmit(
      `"${i.label}" is at most ${String(max)}; Slack would not submit ${text}`,
      `Enter a number no greater than ${String(max)}.`,
      i.block_id,
    );
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
