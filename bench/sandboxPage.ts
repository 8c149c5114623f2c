/**
 * The sandbox page with a long channel, for `npm run bench`: how long #random takes to open
 * (from the click to its newest message on screen) with 10 messages and with 1,000, and how
 * long scrolling back to the first of the 1,000 takes. Headless Chromium, as the browser tests
 * drive it. Goal: a 1,000-message channel opens in under a second.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createLogger } from '../src/logger.js';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { launchChromium } from '../test/support/browser.js';

const ROUNDS = 5;
const RANDOM = 'C0RANDOM';
const quiet = createLogger({ level: 'error' });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const text = (n: number, of: number) => `Message ${n} of ${of}: what we tried today, and what we saw.`;

async function post(sandbox: Sandbox, n: number, of: number): Promise<void> {
  const res = await sandbox.compose({ as: 'U0ADA', channel: RANDOM, text: text(n, of) });
  if (!res.ok) throw new Error(`could not post message ${n}: ${res.notice ?? 'refused'}`);
}

/** Median time from clicking "# random" to its newest message being on screen. */
async function openTimes(page: Page, newest: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await page
      .getByRole('navigation')
      .getByRole('button', { name: /ml-ranking$/ })
      .click();
    await page.getByRole('textbox', { name: 'Message #ml-ranking' }).waitFor();
    const started = Date.now();
    await page
      .getByRole('navigation')
      .getByRole('button', { name: /random$/ })
      .click();
    await page.getByText(newest, { exact: true }).waitFor();
    times.push(Date.now() - started);
  }
  return median(times);
}

/** From the newest message, scrolls up until the first one is on screen. */
async function scrollToFirst(page: Page, first: string): Promise<number> {
  const started = Date.now();
  const log = page.getByRole('log', { name: '#random' });
  while (!(await page.getByText(first, { exact: true }).isVisible())) {
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForTimeout(20);
    if (Date.now() - started > 30_000) throw new Error('never reached the first message');
  }
  return Date.now() - started;
}

export async function sandboxPageBenchmark(databaseUrl: string): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'labbook-bench-page-'));
  await chmod(dataDir, 0o755);
  const sandbox = await startSandbox({ port: 0, databaseUrl, dataDir, logLevel: 'error' }, quiet);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${sandbox.port}/`);
    for (let n = 1; n <= 10; n++) await post(sandbox, n, 10);
    const small = await openTimes(page, text(10, 10));
    await sandbox.reset();
    await page.goto(`http://127.0.0.1:${sandbox.port}/`);
    for (let n = 1; n <= 1000; n++) await post(sandbox, n, 1000);
    const large = await openTimes(page, text(1000, 1000));
    const scroll = await scrollToFirst(page, text(1, 1000));
    console.log('\n### Sandbox page: a long channel\n');
    console.log('| #random | opens in (median of 5) | ratio |');
    console.log('| --- | --- | --- |');
    console.log(`| 10 messages (baseline) | ${small} ms | 1.0× |`);
    console.log(`| 1,000 messages | ${large} ms | ${(large / small).toFixed(1)}× |`);
    console.log(`\nScrolling from the newest of the 1,000 back to the first: ${scroll} ms.`);
  } finally {
    await browser.close();
    await sandbox.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
