import {
  ConfigError,
  loadConfig,
  loadDotEnv,
  loadSandboxConfig,
  sandboxRequested,
  secretsOf,
  type Config,
  type SandboxConfig,
} from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startLabbook } from './runtime.js';

// Hard ceiling so an orchestrator's SIGKILL (usually at 10 s) never has to be the way out.
const HARD_EXIT_MS = 9_500;

async function main(): Promise<void> {
  loadDotEnv();
  if (sandboxRequested()) {
    const config = configOrExit(loadSandboxConfig);
    // stdout carries the one line a newcomer reads; the logs go to stderr.
    const logger = createLogger({
      level: config.logLevel,
      write: (line) => process.stderr.write(`${line}\n`),
    });
    await run(logger, () => sandbox(config, logger));
    return;
  }
  const config = configOrExit(loadConfig);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  await run(logger, () => startLabbook(config, { logger }));
}

// Loaded only here: a deployment against a real Slack never holds the sandbox's embedded
// Slack and its page in memory.
async function sandbox(config: SandboxConfig, logger: Logger) {
  const { startSandbox } = await import('./sandbox/sandbox.js');
  const started = await startSandbox(config, logger);
  process.stdout.write(
    `No Slack settings: Labbook runs against its local Slack sandbox — open http://localhost:${started.port}/\n`,
  );
  return started;
}

function configOrExit<T extends Config | SandboxConfig>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function run(logger: Logger, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  process.on('unhandledRejection', (reason) =>
    logger.error('unhandled promise rejection', { error: reason }),
  );

  // Signals are ours from the first moment: one that arrives while Labbook is still
  // starting (an orchestrator scaling down) stops it gracefully once it is up, instead of
  // Node's default of dying on the spot.
  const started = start().catch((error: unknown) => {
    logger.error('Labbook could not start', {
      error: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('signal received', { signal });
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    started
      .then((labbook) => labbook.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  await started;
}

void main();
