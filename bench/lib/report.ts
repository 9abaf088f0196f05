// Shared by every benchmark: the machine's description, the load average, percentile stats, a table
// printed to the console and appended (with the command and the date) to docs/BENCHMARKS.md.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';

export const BENCHMARKS_MD = resolve(__dirname, '../../docs/BENCHMARKS.md');

export type Row = Record<string, string | number>;

export function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'cpu'} × ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

export function stats(xs: number[]): { n: number; min: number; median: number; p90: number; p99: number; max: number } {
  if (xs.length === 0) return { n: 0, min: NaN, median: NaN, p90: NaN, p99: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { n: s.length, min: s[0]!, median: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1]! };
}

export const say = (m: string) => process.stderr.write(`[bench] ${m}\n`);

export function markdownTable(rows: Row[]): string {
  if (rows.length === 0) return '_(no rows)_\n';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined ? '' : String(v)).replace(/\|/g, '\\|');
  return [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`)].join('\n') + '\n';
}

export interface Section {
  /** Heading, e.g. "3. Cost per shipment". */
  title: string;
  command: string;
  loadStart: string;
  loadEnd: string;
  tables: Array<{ caption?: string; rows: Row[] } | { caption?: string; text: string }>;
  notes?: string[];
}

/** Prints the tables and appends the section to docs/BENCHMARKS.md. */
export function report(s: Section): void {
  for (const t of s.tables) {
    if (t.caption) console.log(`\n${t.caption}`);
    if ('rows' in t) console.table(t.rows);
    else console.log(t.text);
  }
  console.log(`load average (1/5/15 min): start ${s.loadStart}, end ${s.loadEnd}`);
  for (const n of s.notes ?? []) console.log(`note: ${n}`);
  if (!existsSync(BENCHMARKS_MD)) writeFileSync(BENCHMARKS_MD, '# Benchmarks\n\nAppended by `npm run bench -- <name>` (bench/run.ts). Each section is one run on the machine it names; see docs/evidence.md for how to read them.\n');
  const md = [
    `\n## ${s.title} — ${new Date().toISOString()}\n`,
    `- command: \`${s.command}\``,
    `- machine: ${machine()}`,
    `- load average (1/5/15 min): start ${s.loadStart}, end ${s.loadEnd}${Number(s.loadStart.split(' ')[0]) > 1.5 ? ' — the machine was shared with other work during this run; figures are noisy' : ''}`,
    '',
    ...s.tables.map((t) => `${t.caption ? `**${t.caption}**\n\n` : ''}${'rows' in t ? markdownTable(t.rows) : '```\n' + t.text.trimEnd() + '\n```\n'}`),
    ...(s.notes ?? []).map((n) => `- ${n}`),
    '',
  ].join('\n');
  appendFileSync(BENCHMARKS_MD, md);
  say(`appended to ${BENCHMARKS_MD}`);
}

export function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
