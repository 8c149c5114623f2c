import type { Clock } from './clock.js';
import type { Db } from './db/index.js';
import type { Logger } from './logger.js';
import type { MetricReader } from './trackers/index.js';

/** What every ritual needs from the outside world, passed explicitly rather than imported. */
export interface Services {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The latest metric values of linked runs, from the configured trackers (none when absent). */
  trackers?: MetricReader;
}
