import { ids } from '../../blocks/ids.js';
import type { DecisionMeeting, Project } from '../../src/db/schema/index.js';
import { TEAM, type TestApp } from '../support/app.js';
import { buttons, makeProject, withdrawAllPending } from '../support/factories.js';
import type { RecordedCall, ResponseUrlPost } from '../../src/sandbox/slack/embeddedSlack.js';
import { elementsOf, messageAt, messageShown, pressInMessage } from '../support/messages.js';
import { submit, viewOpenedBy, type FillValue, type SentView } from '../support/modals.js';
import { blockAction, slashCommand, type SlackReply } from '../../src/sandbox/slack/requests.js';

/** Epoch seconds, as a datetimepicker gives them. */
export const epoch = (instant: string | Date) => String(Math.floor(new Date(instant).getTime() / 1000));

/**
 * Before each test of a meeting file sharing one app: the embedded Slack's record cleared,
 * nothing pending from earlier tests, the clock at `now`, and a project of the test's own
 * (number `n`) whose lead and `members` (named, all in UTC) exist only for it, so what one
 * test's meeting sent can never be counted in another's.
 */
export async function meetingCast<Name extends string>(
  t: TestApp,
  opts: { prefix: string; n: number; now: Date; members: readonly Name[] },
): Promise<{ project: Project; channel: string; lead: string } & Record<Name, string>> {
  t.fake.reset();
  t.clock.set(opts.now);
  await withdrawAllPending(t.labbook.db);
  const channel = `C0${opts.prefix}${opts.n}`;
  const lead = `U0${opts.prefix}LEAD${opts.n}`;
  const people = Object.fromEntries(
    opts.members.map((name) => [name, `U0${opts.prefix}${name}${opts.n}`]),
  ) as Record<Name, string>;
  for (const id of [lead, ...Object.values<string>(people)]) t.fake.addUser({ id, tz: 'UTC' });
  const project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: channel,
    lead,
    members: Object.values(people),
  });
  return { project, channel, lead, ...people };
}

/** The meeting ritual as people drive it: commands, buttons, modals, through the real receiver. */
export function meetingDriver(t: TestApp, teamId: string) {
  const nextView = (callbackId: string, act: () => Promise<unknown>): Promise<SentView> =>
    viewOpenedBy(t.fake, callbackId, act);

  // The response_url of the driver's latest command or press: its answer is the one heard().
  let latestUrl: string | undefined;

  const command = (text: string, userId: string, channelId: string) => {
    latestUrl = t.fake.responseUrl();
    return slashCommand(t.target, { text, userId, teamId, channelId, responseUrl: latestUrl });
  };

  /**
   * What the app posted to the response_url of the latest command or press: that answer only,
   * whatever an earlier test's late work may post meanwhile.
   */
  const heard = async (): Promise<ResponseUrlPost> => {
    if (!latestUrl) throw new Error('heard(): nothing was sent yet');
    return t.fake.answerTo(latestUrl);
  };

  /**
   * Presses a button in a message the app really posted, as `userId` (of `team`), on the
   * message as that person sees it now (after the app's redraws): a button the app has taken
   * away cannot be pressed, nor a deleted message. `asFirstPosted` presses the message as
   * first posted instead, for a test of a stale press (a second device not caught up).
   * The kickoff keeps the lead's buttons behind *Lead's controls*: pressing one of them there
   * is pressing that, then the button in the message only the presser sees (or, for anyone
   * but the lead, stopping at the refusal they get instead).
   */
  const press = async (
    source: RecordedCall,
    actionId: string,
    userId: string,
    opts: { team?: string; asFirstPosted?: boolean } = {},
  ): Promise<SlackReply> => {
    const who = { userId, teamId: opts.team ?? teamId };
    const asShown = { asFirstPosted: opts.asFirstPosted ?? false };
    const shown = elementsOf(messageShown(t.fake, userId, source, asShown).blocks);
    if (
      shown.some((e) => e.action_id === actionId) ||
      !shown.some((e) => e.action_id === ids.meeting.leadControls)
    ) {
      const pressed = await pressInMessage(t, who, source, actionId, asShown);
      latestUrl = pressed.responseUrl;
      return pressed;
    }
    const reply = await pressInMessage(t, who, source, ids.meeting.leadControls, asShown);
    latestUrl = reply.responseUrl;
    const controls = await heard();
    const el = elementsOf(controls.body.blocks).find((e) => e.action_id === actionId);
    if (!el) return reply;
    const { channel, ts } = messageAt(source);
    latestUrl = t.fake.responseUrl();
    return blockAction(t.target, {
      ...who,
      actionId,
      blockId: el.block_id,
      ...(el.value !== undefined ? { value: el.value } : {}),
      channelId: channel,
      messageTs: ts,
      container: { type: 'message', is_ephemeral: true, channel_id: channel },
      message: { text: controls.body.text ?? '', blocks: controls.body.blocks },
      responseUrl: latestUrl,
    });
  };

  /** The action ids of the buttons `userId` sees in the message now. */
  const buttonsNow = (source: RecordedCall, userId: string): string[] =>
    elementsOf(messageShown(t.fake, userId, source).blocks).map((e) => e.action_id);

  const fillAndSubmit = (
    userId: string,
    view: SentView,
    values: Record<string, FillValue>,
  ): Promise<SlackReply> => submit(t.target, { userId, teamId }, view, values);

  return {
    nextView,
    command,
    heard,
    press,
    buttonsNow,
    fillAndSubmit,
    async callMeeting(lead: string, channelId: string, values: Record<string, FillValue>) {
      const view = await nextView(ids.meeting.modal, () => command('meeting', lead, channelId));
      return { view, reply: await fillAndSubmit(lead, view, values) };
    },
    async meeting(): Promise<DecisionMeeting> {
      return t.labbook.db
        .selectFrom('decision_meetings')
        .selectAll()
        .where('team_id', '=', teamId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
    },
    async kickoff(channelId: string): Promise<RecordedCall> {
      const [call] = await t.fake.waitFor(
        'chat.postMessage',
        (c) =>
          c.args.channel === channelId &&
          String(c.args.text).startsWith('Decision meeting') &&
          !c.args.thread_ts,
      );
      return call!;
    },
    /** *Add a proposal* pressed in `source` (the kickoff or an invitation), the modal filled and sent. */
    async propose(userId: string, source: RecordedCall, values: Record<string, FillValue>) {
      const view = await nextView(ids.meeting.proposalModal, () =>
        press(source, ids.meeting.propose, userId),
      );
      return fillAndSubmit(userId, view, values);
    },
  };
}

export const goodProposal = (o: Record<string, FillValue> = {}): Record<string, FillValue> => ({
  approach: 'Gradient-boosted trees on the existing features (LightGBM lambdarank)',
  relatedWork: 'https://arxiv.org/abs/1706.09516 and the LambdaMART paper (Burges 2010)',
  expectedGain: '+3% recall@10 over the baseline',
  costDays: '5',
  risks: 'Feature drift between offline and online',
  optionKind: 'simple',
  ...o,
});

export const actionsOf = (call: RecordedCall) => buttons(call.args.blocks).map((b) => b.action_id);
