import type { HypothesisHooks } from '../../rituals/plan/hypotheses.js';
import type { Services } from '../../services.js';

/** Lifecycle hooks the rituals attach to hypotheses (check-in scheduling lives here). */
export function hypothesisHooks(_services: Services): HypothesisHooks {
  return {};
}
