import type { Project } from '../../src/db/schema/index.js';
import { TEAM, type TestApp } from './app.js';
import { makeProject, withdrawAllPending } from './factories.js';

export interface Cast {
  project: Project;
  channel: string;
  lead: string;
  owner: string;
}

/**
 * Before each test of a file sharing one app: the embedded Slack's record cleared, nothing
 * pending from earlier tests, and a project of the test's own (number `n`): its channel, a
 * lead in UTC and a member in Berlin who owns its hypotheses, so what one test scheduled can
 * never be counted in another.
 */
export async function ownCast(t: TestApp, channelPrefix: string, n: number): Promise<Cast> {
  t.fake.reset();
  await withdrawAllPending(t.labbook.db);
  const channel = `${channelPrefix}${n}`;
  const lead = `U0LEAD${n}`;
  const owner = `U0OWNER${n}`;
  t.fake.addUser({ id: owner, tz: 'Europe/Berlin' });
  t.fake.addUser({ id: lead, tz: 'UTC' });
  const project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: channel,
    lead,
    members: [owner],
  });
  return { project, channel, lead, owner };
}
