import { checkInHooks } from '../../rituals/checkins/checkins.js';
import type { HypothesisHooks } from '../../rituals/plan/hypotheses.js';
import type { Services } from '../../services.js';

/** Lifecycle hooks the rituals attach to hypotheses: a started timebox schedules its check-in. */
export function hypothesisHooks(services: Services): HypothesisHooks {
  return checkInHooks(services);
}
