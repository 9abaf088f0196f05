// Screenshots of the tracking page for the docs: desktop (1280 px) and mobile (390 px) widths, in the
// normal and the failed-delivery (NDR) states, from fixed data. `npx tsx scripts/tracking-page-screenshots.ts`
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchChromium } from '../test/support/browser';
import { startDemo } from './tracking-page/demo';

const OUT = resolve(__dirname, '../docs/screenshots');
const SHOTS = [
  { file: 'tracking-desktop.png', order: 'WB-10231', width: 1280 },
  { file: 'tracking-mobile.png', order: 'WB-10231', width: 390 },
  { file: 'tracking-ndr-desktop.png', order: 'WB-10232', width: 1280 },
  { file: 'tracking-ndr-mobile.png', order: 'WB-10232', width: 390 },
];

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const demo = await startDemo();
  const browser = await launchChromium();
  try {
    for (const s of SHOTS) {
      const ctx = await browser.newContext({ viewport: { width: s.width, height: 800 }, deviceScaleFactor: 1, timezoneId: 'Asia/Kolkata' });
      const page = await ctx.newPage();
      await page.goto(demo.link(s.order));
      await page.screenshot({ path: resolve(OUT, s.file), fullPage: true });
      await ctx.close();
      console.log(`docs/screenshots/${s.file}`);
    }
  } finally {
    await browser.close();
    await demo.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
