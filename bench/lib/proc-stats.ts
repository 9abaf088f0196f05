// CPU time and memory of the stack's processes, read from /proc (Linux): what a webhook costs each
// process (API, worker, Temporal, FerretDB) is the CPU time it used over a window divided by the
// webhooks of that window. A process's time covers all its threads; its descendants are added, so a
// process that runs helpers of its own (none today) is still counted whole.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticksPerSecond = Number(r.stdout?.trim()) || 100;
  }
  return ticksPerSecond;
}

interface Stat {
  ppid: number;
  /** user + system time, in clock ticks */
  ticks: number;
  rssPages: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): field N is f[N - 3].
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) };
}

function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (!s) continue;
    const list = byParent.get(s.ppid) ?? byParent.set(s.ppid, []).get(s.ppid)!;
    list.push(Number(name));
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of byParent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export interface ProcUsage {
  /** CPU time (user + system) since the process started, ms, descendants included. */
  cpuMs: number;
  /** Resident memory now, bytes, descendants included. */
  rssBytes: number;
}

const PAGE = 4096;

export function usage(pid: number, withDescendants = true): ProcUsage {
  let ticks = 0;
  let pages = 0;
  for (const p of withDescendants ? [pid, ...descendants(pid)] : [pid]) {
    const s = readStat(p);
    if (!s) continue;
    ticks += s.ticks;
    pages += s.rssPages;
  }
  return { cpuMs: (ticks * 1000) / clockTicks(), rssBytes: pages * PAGE };
}

/** Usage of each named process now; `self` is the process running the benchmark (the load generator). */
export function snapshot(pids: Record<string, number>): Record<string, ProcUsage> {
  const out: Record<string, ProcUsage> = {};
  for (const [name, pid] of Object.entries(pids)) out[name] = usage(pid);
  // Not its descendants: those are the stack's processes, counted under their own names.
  out.generator = usage(process.pid, false);
  return out;
}

/** CPU ms each process used between two snapshots. */
export function cpuBetween(a: Record<string, ProcUsage>, b: Record<string, ProcUsage>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(b)) out[name] = (b[name]?.cpuMs ?? 0) - (a[name]?.cpuMs ?? 0);
  return out;
}
