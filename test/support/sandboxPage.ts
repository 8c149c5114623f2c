import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { launchChromium } from './browser.js';
import { createTestDatabase } from './db.js';

/**
 * The sandbox as a newcomer gets it (embedded Slack, Labbook on its real receiver, the page
 * server), on this test file's own database, with the page open in headless Chromium.
 */
export interface SandboxPage {
  sandbox: Sandbox;
  browser: Browser;
  page: Page;
  url: string;
  /** Labbook's log lines, for a failing test's message. */
  logs: string[];
  stop(): Promise<void>;
}

export async function openSandboxPage(): Promise<SandboxPage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'labbook-sandbox-page-'));
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => logs.push(line) });
  const sandbox = await startSandbox(
    { port: 0, databaseUrl: await createTestDatabase(), dataDir, logLevel: 'info' },
    logger,
  );
  const url = `http://127.0.0.1:${sandbox.port}/`;
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    return {
      sandbox,
      browser,
      page,
      url,
      logs,
      async stop() {
        await browser?.close();
        await sandbox.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await sandbox.stop();
    throw error;
  }
}
