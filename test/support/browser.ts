/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for what a person sees:
 * rendered boxes, not only the DOM. No network: the pages under test are self-contained.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { ROOT } from '../helpers.js';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where CI keeps what a reviewer may want to look at (screenshots): test-artifacts/, git-ignored. */
export function artifactPath(name: string): string {
  const dir = path.join(ROOT, 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
