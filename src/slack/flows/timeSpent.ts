import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { noProjectOffer } from '../../../blocks/project.js';
import { LIMITS } from '../../../blocks/limits.js';
import { loggedTimeModal, logTimeModal } from '../../../blocks/timeSpent.js';
import { findHypothesis, runningOfOwner } from '../../db/hypotheses.js';
import { findProjectByChannel } from '../../db/projects.js';
import { LogTimeForm, parseSpent } from '../../rituals/timeSpent/activities.js';
import { recordTimeSpent } from '../../rituals/timeSpent/timeSpent.js';
import type { Services } from '../../services.js';
import type { ViewSubmissionPayload } from '../payloads.js';
import { tell, type Audience } from '../tell.js';
import { errorsResponse, readSubmission, type FlowResult } from './result.js';

export const SPENT_USAGE =
  'Say how long, on what, for which hypothesis: `/hypothesis spent 3h data H3` (activities: data, modelling, eval, infra, waiting; durations like 90m, 1.5h, 2h30m).';

/** `/hypothesis spent 3h data H3`: time logged as it happens, on this channel's project. */
export async function spentCommand(
  services: Services,
  to: Audience & { teamId: string; channelId: string },
  args: string,
): Promise<void> {
  const entry = parseSpent(args);
  if (!entry) return tell(to, { text: SPENT_USAGE });
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId, 'spent'));
  const h = await services.db
    .selectFrom('hypotheses')
    .selectAll()
    .where('team_id', '=', to.teamId)
    .where('project_id', '=', project.id)
    .where('number', '=', entry.hypothesisNumber)
    .executeTakeFirst();
  if (!h) return tell(to, { text: `${project.name} has no H${entry.hypothesisNumber}. ${SPENT_USAGE}` });
  const text = await services.db
    .transaction()
    .execute((trx) =>
      recordTimeSpent(
        trx,
        h,
        to.userId,
        { [entry.activity]: entry.minutes },
        'command',
        services.clock.now(),
      ),
    );
  await tell(to, { text: `:clock3: Logged. ${text ?? ''}` });
}

/** *Log time* on the Home tab: the person's running hypotheses to pick from. */
export async function openLogTime(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
): Promise<void> {
  const running = await runningOfOwner(services.db, to.teamId, to.userId, { limit: LIMITS.selectOptions });
  if (running.total === 0)
    return tell(to, {
      text: 'You have no running hypothesis to log time on. In a project channel, `/hypothesis spent 3h data H3` logs time on any of its hypotheses.',
    });
  await to.client.views.open({ trigger_id: to.triggerId, view: logTimeModal(running.rows) });
}

const LogTimeMeta = z.object({ from: z.literal('home') });

/** Logs the entry exactly as `/hypothesis spent` does, then shows what was logged in the modal. */
export async function submitLogTime(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, { meta: LogTimeMeta, form: LogTimeForm, what: '*Log time*' });
  if (!read.ok) return read.result;
  const { teamId, actor, form } = read;
  const h = await findHypothesis(services.db, teamId, form.hypothesis);
  if (!h || h.owner_user_id !== actor)
    return errorsResponse({ hypothesis: 'That hypothesis is not one of yours. Pick another.' });
  if (h.status !== 'running')
    return errorsResponse({
      hypothesis: `H${h.number} is ${h.status} now. Pick another, or log it with \`/hypothesis spent\` in its channel.`,
    });
  const text = await services.db
    .transaction()
    .execute((trx) =>
      recordTimeSpent(trx, h, actor, { [form.activity]: form.hours }, 'home', services.clock.now()),
    );
  return { response: { response_action: 'update', view: loggedTimeModal(text ?? '') } };
}
