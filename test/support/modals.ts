import type { EmbeddedSlack, RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import {
  blockAction,
  interaction,
  viewSubmissionFor,
  type SendOpts,
  type SlackReply,
  type SlackTarget,
} from '../../src/sandbox/slack/requests.js';
import { fill, findInput, type FillValue, type SentView } from '../../src/sandbox/slack/forms.js';

export { fill, inputsOf, type FillValue, type Json, type SentView } from '../../src/sandbox/slack/forms.js';

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

/**
 * Fills the view and presses Submit: the view_submission Slack would send, signed. When the
 * target carries the embedded Slack (startTestApp's does), an ack Slack would refuse (a
 * view over the Block Kit limits, an error under a block that is not an input of this
 * view) fails the test here, as the person would see Slack's error instead.
 */
export async function submit(
  target: SlackTarget,
  who: { userId: string; teamId: string },
  view: SentView,
  values: Record<string, FillValue> = {},
  opts?: SendOpts,
): Promise<SlackReply> {
  const payload = viewSubmissionFor(who, { ...view, state: { values: fill(view, values) } });
  const reply = await interaction(target, payload, opts);
  if (reply.refused)
    throw new Error(
      `Slack refused the ack of ${String(view.callback_id)}: ${JSON.stringify(reply.refused)}; the app answered ${reply.text}`,
    );
  return reply;
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
