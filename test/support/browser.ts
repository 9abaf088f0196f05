// Real headless Chromium (Debian's package, installed by scripts/install-tools.sh) driven by
// playwright-core: no browser download, and a missing binary fails the run instead of skipping it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { needsServer } from './tier';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Each launch gets a fresh temporary profile (playwright's default), so no state leaks between runs. */
export async function launchChromium(): Promise<Browser> {
  needsServer('launchChromium');
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run \`npm run tools\` to install Debian's chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}
