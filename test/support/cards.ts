import { LogLevel, WebClient } from '@slack/web-api';
import { findHypothesis } from '../../src/db/hypotheses.js';
import type { Hypothesis, Project } from '../../src/db/schema/index.js';
import { createLogger } from '../../src/logger.js';
import { postCard } from '../../src/slack/flows/hypotheses.js';
import { BOT_TOKEN, type TestApp } from './app.js';
import type { MessageAt } from './messages.js';

/**
 * The card of a hypothesis a factory made, in its project channel, where a test presses
 * Edit or Start timebox. The app posts it with its own postCard (the one the new-hypothesis
 * form calls), through the embedded Slack, and remembers where, so later chat.updates of the
 * card land on that message; a card already posted is not posted again.
 */
export async function cardOf(
  t: Pick<TestApp, 'labbook' | 'fake' | 'clock'>,
  h: Hypothesis,
  project: Project,
): Promise<MessageAt> {
  const known = await findHypothesis(t.labbook.db, h.team_id, h.id);
  if (known?.card_channel_id && known.card_ts) return { channel: known.card_channel_id, ts: known.card_ts };
  const logger = createLogger({ level: 'error', write: () => undefined });
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: t.fake.apiUrl, logLevel: LogLevel.ERROR });
  await postCard({ db: t.labbook.db, clock: t.clock, logger }, client, h, project, h.owner_user_id);
  const posted = await findHypothesis(t.labbook.db, h.team_id, h.id);
  if (!posted?.card_channel_id || !posted.card_ts)
    throw new Error(`H${h.number}'s card was not posted in ${project.channel_id}`);
  return { channel: posted.card_channel_id, ts: posted.card_ts };
}
