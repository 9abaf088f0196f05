// What a customer's phone downloads to open the tracking page: the HTML with its inlined stylesheet and
// script (the only request), raw and compressed as a gzip- or brotli-serving proxy would send it, plus
// one live update. `npx tsx scripts/measure-tracking-page.ts`
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { startDemo } from './tracking-page/demo';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`.padStart(9);
const sizes = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return { raw: b.length, gzip: gzipSync(b, { level: 6 }).length, br: brotliCompressSync(b).length };
};

async function main(): Promise<void> {
  const demo = await startDemo();
  try {
    const rows: Array<[string, { raw: number; gzip: number; br: number }]> = [];
    for (const [label, order] of [
      ['in transit', 'WB-10231'],
      ['NDR (form open)', 'WB-10232'],
    ] as const) {
      const res = await fetch(demo.link(order));
      const html = await res.text();
      const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
      const js = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
      rows.push([`page, ${label} (HTML+CSS+JS)`, sizes(html)], [`  of which CSS`, sizes(css)], [`  of which JS`, sizes(js)]);
      if (order === 'WB-10231') {
        const sse = await fetch(`${demo.link(order).replace('?', '/events?')}`);
        const reader = sse.body!.getReader();
        let text = '';
        while (!text.includes('event: update')) text += new TextDecoder().decode((await reader.read()).value);
        while (!/event: update\ndata: .*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
        await reader.cancel();
        rows.push(['live update (one SSE event)', sizes(/event: update\ndata: .*\n\n/.exec(text)![0])]);
      }
    }
    console.log(`${'what'.padEnd(36)}${'raw'.padStart(9)}${'gzip'.padStart(9)}${'brotli'.padStart(9)}`);
    for (const [what, s] of rows) console.log(`${what.padEnd(36)}${kb(s.raw)}${kb(s.gzip)}${kb(s.br)}`);
    console.log('One request per page view: no external CSS, JS, fonts or images (unless STORE_LOGO_URL is set).');
  } finally {
    await demo.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
