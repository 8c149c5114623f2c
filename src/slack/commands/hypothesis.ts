import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { COMMAND } from '../../../blocks/ids.js';
import { usageMessage, type Subcommand } from '../../../blocks/usage.js';
import type { Services } from '../../services.js';
import { concludeCommand } from '../flows/conclude.js';
import { showDesignDoc } from '../flows/design/doc.js';
import { openForgetWorkspace } from '../flows/forgetWorkspace.js';
import { digestCommand, exportCommand } from '../flows/digests.js';
import { openNewHypothesis } from '../flows/hypotheses.js';
import { showChannelList, showChannelLog, showList } from '../flows/lists.js';
import { openMeetingModal, showMeetings } from '../flows/meetings/index.js';
import { searchCommand } from '../flows/search.js';
import { showOrCreateProject } from '../flows/projects.js';
import { workingHoursCommand } from '../flows/settings.js';
import { awayCommand } from '../flows/away.js';
import { showStats } from '../flows/stats.js';
import { spentCommand } from '../flows/timeSpent.js';
import { SlashCommandPayload } from '../payloads.js';
import { tellError, type Audience } from '../tell.js';
import { afterAcks } from '../afterAcks.js';

export interface CommandContext {
  command: SlashCommandPayload;
  /** Whatever followed the subcommand, trimmed. */
  args: string;
  respond: RespondFn;
  client: WebClient;
  services: Services;
  /** The caller, privately, in this channel. */
  to: Audience & { teamId: string; channelId: string; triggerId: string };
}

interface SubcommandSpec extends Subcommand {
  run(ctx: CommandContext): Promise<void>;
}

const SUBCOMMANDS: SubcommandSpec[] = [
  {
    name: 'new',
    summary: 'write down a new hypothesis for this channel’s project',
    run: ({ services, to }) => openNewHypothesis(services, to),
  },
  {
    name: 'project',
    summary: 'show this channel’s project, or create one',
    run: ({ services, to, command }) =>
      showOrCreateProject(services, { ...to, channelName: command.channel_name }),
  },
  {
    name: 'design',
    summary: 'read and edit the project’s design doc, section by section',
    run: ({ services, to }) => showDesignDoc(services, to),
  },
  {
    name: 'list',
    summary: 'the project’s hypotheses: running with due dates, proposed, concluded',
    run: ({ services, to }) => showChannelList(services, to),
  },
  {
    name: 'mine',
    summary: 'your hypotheses across projects',
    run: ({ services, to }) => showList(services, to, { kind: 'mine', page: 0 }),
  },
  {
    name: 'log',
    summary: 'the latest entries of the project’s experiment log',
    run: ({ services, to }) => showChannelLog(services, to),
  },
  {
    name: 'search',
    args: '<words>',
    summary: 'search the record: hypotheses, learnings, proposals, decisions, notes ("a phrase", -leave-out)',
    run: ({ services, to, args }) => searchCommand(services, to, args),
  },
  {
    name: 'stats',
    args: '[all]',
    summary: 'concluded hypotheses, how they came out, time spent by activity; `all`: every project',
    run: ({ services, to, args }) => showStats(services, to, args),
  },
  {
    name: 'spent',
    args: '3h data H3',
    summary: 'log time spent on a hypothesis, by activity (data, modelling, eval, infra, waiting)',
    run: ({ services, to, args }) => spentCommand(services, to, args),
  },
  {
    name: 'conclude',
    args: 'H3 [validated | disproven | inconclusive | abandon]',
    summary: 'record how a hypothesis came out, before its timebox ends too, or abandon a proposed one',
    run: ({ services, to, args }) => concludeCommand(services, to, args),
  },
  {
    name: 'meeting',
    summary: 'call a decision meeting: a question, a time, proposals ahead of it (project lead)',
    run: ({ services, to }) => openMeetingModal(services, to),
  },
  {
    name: 'meetings',
    summary: 'the project’s decision meetings: collecting, upcoming, decided',
    run: ({ services, to }) => showMeetings(services, to),
  },
  {
    name: 'hours',
    args: '[9-18 mon-fri]',
    summary: 'when check-ins go out; admins can change it for the workspace',
    run: ({ services, to, args }) => workingHoursCommand(services, to, args),
  },
  {
    name: 'away',
    args: '[2026-12-21 2027-01-04 | until 2027-01-04 | off] (a lead may add @member)',
    summary: 'mark yourself away: check-ins, reminders and invitations wait until you are back',
    run: ({ services, to, args }) => awayCommand(services, to, args),
  },
  {
    name: 'digest',
    args: '[post | weekly fri 16:00 [Europe/Berlin] | off]',
    summary: 'this week’s digest so far and when the next goes out; the lead posts it or sets its day',
    run: ({ services, to, args }) => digestCommand(services, to, args),
  },
  {
    name: 'export',
    args: '[here]',
    summary: 'the project’s whole record as Markdown and the log as CSV, to you or this channel',
    run: ({ services, to, args }) => exportCommand(services, to, args),
  },
  {
    name: 'forget-workspace',
    summary: 'workspace admins: delete everything Labbook keeps about this workspace',
    run: ({ services, to }) => openForgetWorkspace(services, to),
  },
  {
    name: 'help',
    summary: 'show this help',
    run: async ({ respond }) => {
      await respond({ response_type: 'ephemeral', ...usageMessage(COMMAND, SUBCOMMANDS) });
    },
  },
];

/** Splits "new  some text" into the subcommand and the rest. */
export function parseCommandText(text: string): { name: string; args: string } {
  const [name = '', ...rest] = text.trim().split(/\s+/);
  return { name: name.toLowerCase(), args: rest.join(' ') };
}

export function hypothesisCommand(services: Services) {
  return async ({
    ack,
    body,
    respond,
    client,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    // Slack gives three seconds: acknowledge first, then do the work.
    await ack();
    await afterAcks();
    const parsed = SlashCommandPayload.safeParse(body);
    if (!parsed.success) {
      services.logger.warn('malformed slash command payload', { issues: parsed.error.issues });
      await respond({
        response_type: 'ephemeral',
        text: 'Sorry, Slack sent a request I could not read. Please try again.',
      });
      return;
    }
    const command = parsed.data;
    const { name, args } = parseCommandText(command.text);
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (!sub) {
      await respond({ response_type: 'ephemeral', ...usageMessage(COMMAND, SUBCOMMANDS, name || undefined) });
      return;
    }
    const to = {
      client,
      userId: command.user_id,
      respond,
      channelId: command.channel_id,
      teamId: command.team_id,
      triggerId: command.trigger_id,
    };
    try {
      await sub.run({ command, args, respond, client, services, to });
    } catch (error) {
      await tellError(to, error, services.logger, { command: name, teamId: command.team_id });
    }
  };
}
