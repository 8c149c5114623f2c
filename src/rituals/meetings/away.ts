import type { WebClient } from '@slack/web-api';
import type { DecisionMeeting } from '../../db/schema/index.js';
import type { Services } from '../../services.js';
import { awayThroughDeadline } from '../workingTime.js';

/** Participants looked up for the kickoff: more than a section can name are not shown anyway. */
const MAX_LOOKUPS = 60;

/**
 * The participants away through the proposal deadline (the meeting itself when there is
 * none), each with their last day away: the kickoff and the pre-read show them as away,
 * not as someone who has not proposed. Only while proposals are being collected.
 */
export async function awayParticipants(
  services: Services,
  client: WebClient,
  m: Pick<DecisionMeeting, 'team_id' | 'participants' | 'proposal_deadline' | 'scheduled_at' | 'status'>,
  among: readonly string[] = m.participants,
): Promise<Map<string, string | null>> {
  const away = new Map<string, string | null>();
  if (m.status !== 'collecting') return away;
  const deadline = m.proposal_deadline ?? m.scheduled_at;
  for (const userId of among.slice(0, MAX_LOOKUPS)) {
    const through = await awayThroughDeadline(services, client, m.team_id, userId, deadline);
    if (through) away.set(userId, through.lastDay);
  }
  return away;
}
