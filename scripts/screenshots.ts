import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator } from 'playwright-core';
import { createLogger } from '../src/logger.js';
import { startSandbox } from '../src/sandbox/sandbox.js';
import { launchChromium } from '../test/support/browser.js';
import * as week from '../test/support/sandboxWeek.js';

/**
 * `npm run screenshots`: one week of a team's life on the sandbox page, in headless
 * Chromium, photographed into docs/screenshots/ for the README. The steps are the browser
 * test's own (test/support/sandboxWeek.ts), so the pictures show what the test checked.
 * It runs on a fresh sandbox of its own (embedded PostgreSQL in a temporary directory, even
 * when DATABASE_URL is set), never on a sandbox you are using.
 */
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'labbook-screenshots-'));
  // Run as root, embedded PostgreSQL runs as `postgres`, who must be able to reach its files.
  await chmod(dataDir, 0o755);
  const logger = createLogger({ level: 'warn', write: (line) => process.stderr.write(`${line}\n`) });
  const sandbox = await startSandbox({ port: 0, databaseUrl: undefined, dataDir, logLevel: 'warn' }, logger);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(`http://127.0.0.1:${sandbox.port}/`);
    const shot: week.Shot = async (name: string, what?: Locator) => {
      const file = path.join(OUT, `${name}.png`);
      // A modal is photographed with the channel behind it, as a person sees it.
      await (what ? what.page() : page).screenshot({ path: file });
      process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
    };
    await week.planProjectAndHypothesis(page, shot);
    await week.checkInDisproven(page, shot);
    await week.decisionMeeting(page, shot);
    await week.weeklyDigest(page, shot);
    await week.homeTab(page, shot);
  } finally {
    await browser.close();
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
