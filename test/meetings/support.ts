import { ids } from '../../blocks/ids.js';
import type { DecisionMeeting } from '../../src/db/schema/index.js';
import type { TestApp } from '../support/app.js';
import { buttons } from '../support/factories.js';
import type { RecordedCall } from '../support/fakeSlack.js';
import { submit, type FillValue, type SentView } from '../support/modals.js';
import { blockAction, slashCommand, type SlackReply } from '../support/slackRequests.js';

/** The meeting ritual as people drive it: commands, buttons, modals, through the real receiver. */
export function meetingDriver(t: TestApp, teamId: string) {
  const viewsWith = (callbackId: string) =>
    t.fake
      .okCallsTo('views.open')
      .filter((c) => (c.response?.view as { callback_id?: string } | undefined)?.callback_id === callbackId);

  /** Runs `act`, then waits for the one new modal with this callback id that it opens. */
  async function nextView(callbackId: string, act: () => Promise<unknown>): Promise<SentView> {
    const before = viewsWith(callbackId).length;
    await act();
    const deadline = Date.now() + 5000;
    for (;;) {
      const calls = viewsWith(callbackId);
      if (calls.length > before) return calls.at(-1)!.response!.view as SentView;
      if (Date.now() > deadline)
        throw new Error(`no new ${callbackId} modal; calls: ${t.fake.calls.map((c) => c.method).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const command = (text: string, userId: string, channelId: string) =>
    slashCommand(t.target, { text, userId, teamId, channelId, responseUrl: t.fake.responseUrl() });

  const press = (
    actionId: string,
    value: string,
    userId: string,
    where: { channelId: string; messageTs?: string },
  ) =>
    blockAction(t.target, {
      userId,
      teamId,
      actionId,
      value,
      channelId: where.channelId,
      messageTs: where.messageTs ?? '1700000000.999999',
      responseUrl: t.fake.responseUrl(),
    });

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
    async propose(
      userId: string,
      meetingId: number,
      values: Record<string, FillValue>,
      channelId = `D${userId}`,
    ) {
      const view = await nextView(ids.meeting.proposalModal, () =>
        press(ids.meeting.propose, String(meetingId), userId, { channelId }),
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
