import type { WebClient } from '@slack/web-api';
import { snoozeModal } from '../../../blocks/snooze.js';
import { answerableHypothesis } from '../../rituals/checkins/checkins.js';
import {
  MAX_SNOOZE_DAYS,
  snooze,
  SnoozeForm,
  snoozesLeft,
  snoozeUntil,
  tooManySnoozes,
} from '../../rituals/checkins/snooze.js';
import { workingCalendar } from '../../rituals/workingTime.js';
import type { Services } from '../../services.js';
import { formatMoment } from '../../time.js';
import type { ViewSubmissionPayload } from '../payloads.js';
import { knownZone, userZone } from '../people.js';
import { tell, type Audience } from '../tell.js';
import { CheckInRef } from './checkins.js';
import { errorsResponse, readSubmission, type FlowResult } from './result.js';

/** *Not now*: the form for when to ask again, or, after two snoozes, why not. */
export async function openSnooze(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  ref: CheckInRef,
): Promise<void> {
  const tz = await userZone(services, to.client, to.teamId, to.userId);
  const h = await answerableHypothesis(services.db, to.teamId, to.userId, ref, tz);
  const left = await snoozesLeft(services.db, h);
  if (left === 0) throw tooManySnoozes(h);
  await to.client.views.open({
    trigger_id: to.triggerId,
    view: snoozeModal({
      h,
      snoozesLeft: left,
      maxDays: MAX_SNOOZE_DAYS,
      privateMetadata: JSON.stringify(ref),
    }),
  });
}

export async function submitSnooze(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
): Promise<FlowResult> {
  const read = readSubmission(client, payload, { meta: CheckInRef, form: SnoozeForm, what: 'the check-in' });
  if (!read.ok) return read.result;
  const { teamId, actor, meta: ref, form } = read;
  const h = await answerableHypothesis(
    services.db,
    teamId,
    actor,
    ref,
    await knownZone(services, teamId, actor),
  );
  // Asked again at the start of the owner's own working day, in their calendar.
  const tz = await knownZone(services, teamId, h.owner_user_id);
  const hours = await workingCalendar(services.db, teamId, h.owner_user_id);
  const now = services.clock.now();
  const when = snoozeUntil(form, now, tz, hours);
  if (!when.ok) return errorsResponse(when.errors);
  await snooze(services.db, { teamId, actor, ref, until: when.until, tz, at: now });
  return {
    after: () =>
      tell(
        { client, userId: actor },
        {
          text: `I'll ask about H${h.number} again on ${formatMoment(when.until, tz)}. The timebox stays as planned.`,
        },
      ),
  };
}
