import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { concludeModal, earlyNote } from '../../../blocks/conclude.js';
import { noProjectOffer } from '../../../blocks/project.js';
import { findHypothesis } from '../../db/hypotheses.js';
import { findProjectByChannel } from '../../db/projects.js';
import {
  ANSWERS,
  assertAnswerable,
  roundOf,
  earlyDays,
  type Answer,
} from '../../rituals/checkins/checkins.js';
import { notFound } from '../../rituals/errors.js';
import type { Services } from '../../services.js';
import type { ViewSubmissionPayload } from '../payloads.js';
import { knownZone, userZone } from '../people.js';
import { tell, type Audience } from '../tell.js';
import { CheckInRef, openOutcome, outcomeView } from './checkins.js';
import { readSubmission, type FlowResult } from './result.js';

/**
 * Concluding at any time, through the check-in's own outcome form: from the card's
 * *Conclude* (or, while proposed, *Abandon*) and `/hypothesis conclude H3`. The round is
 * the hypothesis' current one, so the form is refused on submit if it was extended or
 * answered meanwhile, exactly as a check-in DM's would be.
 */
export async function openConclude(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  hypothesisId: number,
  answer?: Answer,
): Promise<void> {
  const h = await findHypothesis(services.db, to.teamId, hypothesisId);
  if (!h) throw notFound('That hypothesis no longer exists in this workspace.');
  const ref = { hypothesisId: h.id, round: roundOf(h) };
  // A proposed hypothesis has no result to record: it can only be abandoned.
  const chosen = answer ?? (h.status === 'proposed' ? 'abandoned' : undefined);
  if (chosen) return openOutcome(services, to, ref, chosen);
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  // Said now (already concluded, not theirs), not after they have chosen an outcome.
  assertAnswerable(h, to.userId, ref.round, tz);
  const note = earlyNote(earlyDays(h, services.clock.now()));
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: concludeModal({
      h,
      privateMetadata: JSON.stringify(ref),
      ...(note ? { note } : {}),
    }),
  });
}

const ConcludeForm = z.object({ answer: z.enum(ANSWERS, { error: 'Choose how it came out.' }) });

/** Next, in the chooser: the same modal becomes the outcome form for the chosen answer. */
export async function submitConcludeChoice(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, {
    meta: CheckInRef,
    form: ConcludeForm,
    what: 'the hypothesis',
  });
  if (!read.ok) return read.result;
  const { teamId, actor, meta, form } = read;
  const tz = await knownZone(services, teamId, actor);
  const view = await outcomeView(services, { teamId, userId: actor }, meta, form.answer, tz);
  return { response: { response_action: 'update', view } };
}

export const CONCLUDE_USAGE =
  'Name the hypothesis of this channel’s project: `/hypothesis conclude H3`, or with the outcome, `/hypothesis conclude H3 disproven` (validated, disproven, inconclusive, abandon).';

const WORDS: Record<string, Answer> = {
  validated: 'validated',
  disproven: 'disproven',
  inconclusive: 'inconclusive',
  abandon: 'abandoned',
  abandoned: 'abandoned',
};

/** Reads "H3" or "H3 disproven". */
export function parseConclude(args: string): { number: number; answer?: Answer } | undefined {
  const match = /^h?(\d{1,6})(?:\s+([a-z]+))?$/i.exec(args.trim());
  if (!match) return undefined;
  const word = match[2]?.toLowerCase();
  const answer = word === undefined ? undefined : WORDS[word];
  if (word !== undefined && !answer) return undefined;
  return { number: Number(match[1]), ...(answer ? { answer } : {}) };
}

/** `/hypothesis conclude H3 [outcome]`: the chooser or the outcome form, for the owner or the lead. */
export async function concludeCommand(
  services: Services,
  to: Audience & { teamId: string; channelId: string; triggerId: string },
  args: string,
): Promise<void> {
  const parsed = parseConclude(args);
  if (!parsed) return tell(to, { text: CONCLUDE_USAGE });
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) return tell(to, noProjectOffer(to.channelId));
  const h = await services.db
    .selectFrom('hypotheses')
    .select('id')
    .where('team_id', '=', to.teamId)
    .where('project_id', '=', project.id)
    .where('number', '=', parsed.number)
    .executeTakeFirst();
  if (!h) return tell(to, { text: `This project has no H${parsed.number}. ${CONCLUDE_USAGE}` });
  await openConclude(services, to, h.id, parsed.answer);
}
