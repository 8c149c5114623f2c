import type { App, ReceiverEvent, RespondArguments, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { COMMAND } from '../../blocks/ids.js';
import type { Logger } from '../logger.js';
import {
  slackAckDuration,
  slackRequestDuration,
  type RequestOutcome,
  type Surface,
} from '../metrics/index.js';
import {
  BlockActionPayload,
  MessageShortcutPayload,
  slackId,
  SlashCommandPayload,
  ViewSubmissionPayload,
} from './payloads.js';
import { APOLOGY, tell, type Audience } from './tell.js';

/**
 * Every signed request gets an answer within Slack's 3 s, whatever it holds. Left to
 * itself Bolt answers some of them badly: a body it cannot classify, or an action,
 * shortcut, command or form no listener matches, is never acknowledged (Slack shows its
 * generic failure after 3 s), and a body that makes Bolt throw before a listener runs gets
 * a 500 (which Slack retries, for events). The gate stands in front of Bolt:
 * - a malformed request is logged and acknowledged, and nothing else happens;
 * - one that no listener acknowledged (a button on a message an older version posted,
 *   after a rename) is acknowledged here, and the person is told how to do it now;
 * - one whose middleware or listener threw before acknowledging it is acknowledged here
 *   too, with an apology.
 *
 * Telling them takes the token of the workspace the request came from when there is no
 * response_url (the Home tab, a global shortcut, a button in a modal): in OAuth mode
 * `app.client` has none. Bolt's authorize has found it by the time middleware runs, so the
 * gate's own middleware, first in line, keeps the client Bolt made for the request (its
 * interactive options, that workspace's token) until the gate is done with the request.
 */
export function gateRequests(app: App, logger: Logger): void {
  const requestClients = new WeakMap<object, WebClient>();
  // Requests whose listener threw; Bolt hands the error to app.error, not to processEvent.
  const failed = new WeakSet<object>();
  app.use(async ({ body, client, next }) => {
    requestClients.set(body, client);
    try {
      await next();
    } catch (error) {
      failed.add(body);
      throw error;
    }
  });
  const boltProcessEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const endRequest = slackRequestDuration.startTimer();
    const endAck = slackAckDuration.startTimer();
    let outcome: RequestOutcome = 'ok';
    let surface: Surface = 'unknown';
    try {
      surface = await gated(event, (answered) => (outcome = answered), endAck);
    } finally {
      if (failed.has(event.body as object)) outcome = 'error';
      endRequest({ surface, outcome });
    }
  };

  /** What processEvent does, inside the timers; returns the request's surface. */
  async function gated(
    event: ReceiverEvent,
    setOutcome: (outcome: RequestOutcome) => void,
    endAck: (labels: { surface: Surface }) => void,
  ): Promise<Surface> {
    let acked = false;
    const screened = screen(event.body);
    const ack = async (response?: unknown) => {
      if (!acked) endAck({ surface: screened.kind });
      acked = true;
      await event.ack(response);
    };
    if (!screened.ok) {
      setOutcome('malformed');
      logger.warn('malformed Slack request acknowledged; nothing done', {
        kind: screened.kind,
        problem: screened.problem,
      });
      await ack(screened.kind === 'options' ? { options: [] } : undefined);
      return screened.kind;
    }
    try {
      await boltProcessEvent({ ...event, ack });
    } catch (error) {
      // Thrown inside Bolt, typically before any listener ran; Bolt would answer 500.
      setOutcome('error');
      logger.warn('Slack request failed inside Bolt', { kind: screened.kind, acked, error });
      if (!acked) await ack().catch(() => undefined);
      return screened.kind;
    }
    if (acked) return screened.kind;
    // Bolt authorized the request (it would have thrown otherwise), so its client is kept;
    // app.client is only a fallback, and has the token in single-workspace mode.
    const client = requestClients.get(event.body as object) ?? app.client;
    if (failed.has(event.body as object)) {
      // A middleware or listener threw before anyone acknowledged (Bolt logged it through
      // app.error): the person hears that it failed, not that their button is out of date.
      await answerNobody(screened, ack, client, logger, {
        text: APOLOGY,
        formText: FORM_APOLOGY,
        keepForm: true,
      });
      return screened.kind;
    }
    setOutcome('unanswered');
    logger.info('Slack request for something this version does not know', {
      kind: screened.kind,
      id: screened.id,
    });
    const what =
      screened.kind === 'command'
        ? 'This command'
        : screened.kind === 'shortcut'
          ? 'This shortcut'
          : 'This button';
    await answerNobody(screened, ack, client, logger, {
      text: `${what} ${OLDER}`,
      formText: `This form ${OLDER}`,
      keepForm: false,
    });
    return screened.kind;
  }
}

const OLDER =
  'is from an older version of Labbook and no longer does anything. The current way: `' +
  COMMAND +
  ' help` lists what Labbook does, and the Home tab shows your hypotheses and the check-ins waiting for you.';

const FORM_APOLOGY =
  'Sorry, something went wrong on my side and this form was not saved. Please try again in a moment.';

/**
 * Nobody answered the request: acknowledges it, then tells the person `text` where they
 * are. A submitted form shows `formText` itself: over its first field when what was typed
 * is worth keeping (`keepForm`, to submit again), or in place of the form.
 */
async function answerNobody(
  req: Screened,
  ack: (response?: unknown) => Promise<void>,
  client: WebClient,
  logger: Logger,
  say: { text: string; formText: string; keepForm: boolean },
): Promise<void> {
  // Past Slack's 3 s Bolt has answered for us, and an ack now throws: the person is still told.
  const acknowledge = (response?: unknown) =>
    ack(response).catch((error: unknown) =>
      logger.warn('could not acknowledge a request nobody answered', { error: String(error) }),
    );
  if (req.silent) return acknowledge();
  if (req.kind === 'view')
    return acknowledge(
      say.keepForm && req.firstInput
        ? { response_action: 'errors', errors: { [req.firstInput]: say.formText } }
        : { response_action: 'update', view: noticeView(say.formText) },
    );
  await acknowledge(req.kind === 'options' ? { options: [] } : undefined);
  if (!req.to) return;
  const to: Audience = {
    client,
    userId: req.to.userId,
    channelId: req.to.channelId,
    respond: req.to.responseUrl ? respondVia(req.to.responseUrl) : undefined,
  };
  await tell(to, { text: say.text }).catch((error: unknown) =>
    logger.warn('could not tell the person why nothing happened', { error: String(error) }),
  );
}

function noticeView(text: string) {
  return {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'Labbook' },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }],
  };
}

/** Bolt's respond(), for a request that never reached a listener. */
function respondVia(url: string): RespondFn {
  return async (message: string | RespondArguments) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(typeof message === 'string' ? { text: message } : message),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`response_url answered ${res.status}`);
    return res;
  };
}

type Kind = Surface;

interface Screened {
  ok: true;
  kind: Kind;
  /** The action, callback or command named, for the log. */
  id?: string;
  /** Nothing to say if nobody answers it (a modal closed). */
  silent?: boolean;
  /** Who to tell, and where, if nobody answers it. */
  to?: { userId: string; channelId?: string; responseUrl?: string };
  /** A submitted form's first input block, where an error can be shown over what was typed. */
  firstInput?: string;
}

// The shapes Bolt itself reads before any listener runs (to route, authorize and build
// say/respond), so a request that passes cannot make Bolt throw on a missing field.
const Event = z.looseObject({
  type: z.literal('event_callback'),
  team_id: slackId,
  event: z.looseObject({
    type: z.string(),
    // user_change and user_status_changed carry the whole user object.
    user: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
    channel: z.union([z.string(), z.looseObject({ id: z.string() })]).optional(),
    item: z.looseObject({}).optional(),
  }),
});
const Command = SlashCommandPayload.extend({ command: z.string().startsWith('/') });
const Options = z.looseObject({
  type: z.literal('block_suggestion'),
  team: z.object({ id: slackId }),
  user: z.object({ id: slackId }),
});
const Action = BlockActionPayload.extend({ type: z.literal('block_actions') });
const GlobalShortcut = z.looseObject({
  type: z.literal('shortcut'),
  callback_id: z.string(),
  trigger_id: z.string().min(1),
  team: z.object({ id: slackId }),
  user: z.object({ id: slackId }),
});
const MessageShortcut = MessageShortcutPayload.extend({
  type: z.literal('message_action'),
  callback_id: z.string(),
});
const View = ViewSubmissionPayload.extend({ type: z.enum(['view_submission', 'view_closed']) });

/** Classifies a body the way Bolt does (helpers.getTypeAndConversation), then checks its shape. */
function screen(body: unknown): Screened | { ok: false; kind: Kind; problem: string } {
  if (typeof body !== 'object' || body === null)
    return { ok: false, kind: 'unknown', problem: 'not an object' };
  const b = body as Record<string, unknown>;
  const check = <S extends z.ZodType>(
    kind: Kind,
    schema: S,
    then: (v: z.output<S>) => Omit<Screened, 'ok' | 'kind'>,
  ) => {
    const parsed = schema.safeParse(b);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false as const,
        kind,
        problem: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? ''}`,
      };
    }
    return { ok: true as const, kind, ...then(parsed.data) };
  };
  if (b.event !== undefined) return check('event', Event, (e) => ({ id: e.event.type }));
  if (b.command !== undefined)
    return check('command', Command, (c) => ({
      id: c.command,
      to: { userId: c.user_id, channelId: c.channel_id, responseUrl: c.response_url },
    }));
  if (b.name !== undefined || b.type === 'block_suggestion') return check('options', Options, () => ({}));
  if (b.actions !== undefined || b.type === 'dialog_submission')
    return check('action', Action, (a) => ({
      id: a.actions[0]!.action_id,
      to: {
        userId: a.user.id,
        channelId: a.channel?.id ?? a.container?.channel_id,
        responseUrl: a.response_url,
      },
    }));
  if (b.type === 'shortcut')
    return check('shortcut', GlobalShortcut, (s) => ({ id: s.callback_id, to: { userId: s.user.id } }));
  if (b.type === 'message_action')
    return check('shortcut', MessageShortcut, (s) => ({
      id: s.callback_id,
      to: { userId: s.user.id, channelId: s.channel.id, responseUrl: s.response_url },
    }));
  if (b.type === 'view_submission' || b.type === 'view_closed')
    return check('view', View, (v) => ({
      id: v.view.callback_id,
      silent: v.type === 'view_closed',
      firstInput: Object.keys(v.view.state.values)[0],
    }));
  return { ok: false, kind: 'unknown', problem: `no request type Labbook knows (type ${String(b.type)})` };
}
