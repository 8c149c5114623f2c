/**
 * `npm run reencrypt-tokens`: after LABBOOK_ENCRYPTION_KEY was rotated (the old key now in
 * LABBOOK_ENCRYPTION_KEY_PREVIOUS), writes every stored token again under the new key, so
 * the previous key can be removed. Reads the same settings as the app; exits 1 if any
 * token could be read by neither key.
 */
import { ConfigError, loadConfig, loadDotEnv, secretsOf } from '../config.js';
import { createLogger } from '../logger.js';
import { createTokenCipher } from '../tokenCipher.js';
import { startEmbeddedPostgres } from './embedded.js';
import { createDb } from './index.js';
import { reencryptInstallations } from './installations.js';
import { migrateToLatest } from './migrate.js';

loadDotEnv();
let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
if (!config.oauth) {
  logger.error(
    'nothing to re-encrypt: tokens are stored only in OAuth mode (SLACK_CLIENT_ID and friends unset)',
  );
  process.exit(1);
}
const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, logger);
const url = config.databaseUrl ?? embedded!.url;
const db = createDb(url, { max: 2 });
try {
  await migrateToLatest(db, url, logger);
  const report = await reencryptInstallations(db, createTokenCipher(config.oauth.keys));
  if (report.unreadable.length > 0) {
    logger.error('some installations can be read by neither key; they were left as they are', report);
    process.exitCode = 1;
  } else {
    logger.info(
      'every stored token is now under LABBOOK_ENCRYPTION_KEY; LABBOOK_ENCRYPTION_KEY_PREVIOUS can be removed',
      report,
    );
  }
} finally {
  await db.destroy();
  await embedded?.stop();
}
