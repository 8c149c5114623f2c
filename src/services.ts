import type { Clock } from './clock.js';
import type { Db } from './db/index.js';
import type { Logger } from './logger.js';

/** What every ritual needs from the outside world, passed explicitly rather than imported. */
export interface Services {
  db: Db;
  clock: Clock;
  logger: Logger;
}
