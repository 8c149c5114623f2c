/** `npm run migrate`: brings the database to the latest schema and exits. */
import { ConfigError, loadDotEnv } from '../config.js';
import { createLogger } from '../logger.js';
import { startEmbeddedPostgres } from './embedded.js';
import { createDb } from './index.js';
import { migrateToLatest } from './migrate.js';

loadDotEnv();
const logger = createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info' });
try {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres(process.env.LABBOOK_DATA_DIR || '.data', logger);
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const db = createDb(url, { max: 2 });
  try {
    await migrateToLatest(db, url, logger);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
} catch (error) {
  logger.error('migration failed', { error: error instanceof ConfigError ? error.message : String(error) });
  process.exitCode = 1;
}
