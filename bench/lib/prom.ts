// Reads a Prometheus /metrics page (the API's, the worker's, the Temporal dev server's) into samples, so
// a benchmark can take the difference of counters over a window.
import { request } from 'undici';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(url: string): Promise<Sample[]> {
  const r = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode}`);
  return parseProm(text);
}

/** Sum of a metric's samples grouped by the given labels ("" key when none), optionally filtered. */
export function sumBy(samples: Sample[], name: string, by: string[], where: (l: Record<string, string>) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || !where(s.labels)) continue;
    const key = by.map((b) => s.labels[b] ?? '').join(' ');
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** b − a for every key of b (counters over a window). */
export function delta(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of b) {
    const d = v - (a.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}
