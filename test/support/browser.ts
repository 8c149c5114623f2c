import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the only browser these tests use (nothing downloads one). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium with the flags that keep it off the network: without the
 * background-networking flags it keeps trying to reach Google's hosts, which this machine
 * (and CI) cannot reach.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches Chromium, or fails with how to install it: a developer without it is told what to
 * run, and CI (which installs it in .ci/run) never skips these tests silently.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `The sandbox's browser tests need Chromium at ${CHROMIUM_PATH}. Install Debian's package: ` +
        '`sudo apt-get install chromium fonts-noto-color-emoji` (or set CHROMIUM_PATH to another Chromium).',
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
