import { ids } from '../../blocks/ids.js';
import type { DecisionMeeting } from '../../src/db/schema/index.js';
import type { TestApp } from '../support/app.js';
import { buttons } from '../support/factories.js';
import type { RecordedCall } from '../../src/sandbox/slack/embeddedSlack.js';
import { elementsOf, pressInMessage } from '../support/messages.js';
import { submit, viewOpenedBy, type FillValue, type SentView } from '../support/modals.js';
import { blockAction, slashCommand, type SlackReply } from '../../src/sandbox/slack/requests.js';

/** The blocks a posted (or redrawn) message carries, as Slack answered with them. */
const sentBlocks = (c: RecordedCall): unknown =>
  ((c.response?.message ?? {}) as { blocks?: unknown }).blocks ?? c.args.blocks;

/** The meeting ritual as people drive it: commands, buttons, modals, through the real receiver. */
export function meetingDriver(t: TestApp, teamId: string) {
  const nextView = (callbackId: string, act: () => Promise<unknown>): Promise<SentView> =>
    viewOpenedBy(t.fake, callbackId, act);

  const command = (text: string, userId: string, channelId: string) =>
    slashCommand(t.target, { text, userId, teamId, channelId, responseUrl: t.fake.responseUrl() });

  /**
   * Presses a button in a message the app really posted (or redrew), as `userId` of `team`,
   * as that recorded post or redraw showed it: several meeting tests press a message the app
   * has since settled or deleted (a second device, or a person quicker than the redraw), so
   * the driver does not read the message as it is now (pressInMessage's default).
   * The kickoff keeps the lead's buttons behind *Lead's controls*: pressing one of them there
   * is pressing that, then the button in the message only the presser sees (or, for anyone
   * but the lead, stopping at the refusal they get instead).
   */
  const press = async (
    source: RecordedCall,
    actionId: string,
    userId: string,
    team = teamId,
  ): Promise<SlackReply> => {
    const who = { userId, teamId: team };
    const shown = elementsOf(sentBlocks(source));
    if (
      shown.some((e) => e.action_id === actionId) ||
      !shown.some((e) => e.action_id === ids.meeting.leadControls)
    )
      return pressInMessage(t, who, source, actionId, { asFirstPosted: true });
    const before = t.fake.responses.length;
    const reply = await pressInMessage(t, who, source, ids.meeting.leadControls, { asFirstPosted: true });
    const [controls] = await t.fake.waitForResponse((r) => t.fake.responses.indexOf(r) >= before);
    const el = elementsOf(controls!.body.blocks).find((e) => e.action_id === actionId);
    if (!el) return reply;
    const answer = (source.response ?? {}) as { channel?: string; ts?: string };
    return blockAction(t.target, {
      ...who,
      actionId,
      blockId: el.block_id,
      ...(el.value !== undefined ? { value: el.value } : {}),
      channelId: String(answer.channel ?? source.args.channel),
      messageTs: String(answer.ts),
      container: {
        type: 'message',
        is_ephemeral: true,
        channel_id: String(answer.channel ?? source.args.channel),
      },
      message: { text: controls!.body.text ?? '', blocks: controls!.body.blocks },
      responseUrl: t.fake.responseUrl(),
    });
  };

  const fillAndSubmit = (
    userId: string,
    view: SentView,
    values: Record<string, FillValue>,
  ): Promise<SlackReply> => submit(t.target, { userId, teamId }, view, values);

  return {
    nextView,
    command,
    press,
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
