/**
 * Headless Chromium for the console tests: Debian's `chromium` driven by playwright-core.
 * A missing browser fails the tests with what to install (.ci/run installs it); they never skip.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) return Promise.reject(new Error(`${CHROMIUM} not found: install Debian's chromium package (.ci/run does) to run the console tests`));
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
}
