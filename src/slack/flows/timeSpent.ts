import { noProjectOffer } from '../../../blocks/project.js';
import { findProjectByChannel } from '../../db/projects.js';
import { parseSpent } from '../../rituals/timeSpent/activities.js';
import { recordTimeSpent } from '../../rituals/timeSpent/timeSpent.js';
import type { Services } from '../../services.js';
import { tell, type Audience } from '../tell.js';

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
