/** CPU time and resident memory of a process, from /proc/<pid> (Linux). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcSample {
  /** User + system CPU time so far, ms. */
  cpuMs: number;
  /** System (kernel) CPU time so far, ms: socket reads and writes, mostly. */
  systemMs: number;
  rssKB: number;
  /** When sampled (performance.now, ms). */
  at: number;
}

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const systemTicks = Number(fields[12]);
  const ticks = Number(fields[11]) + systemTicks; // utime, stime (fields 14 and 15 of the full line)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return { cpuMs: (ticks * 1000) / ticksPerSecond(), systemMs: (systemTicks * 1000) / ticksPerSecond(), rssKB: rss ? Number(rss[1]) : 0, at: performance.now() };
}

/** CPU use between two samples, as a percentage of one core. */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const wall = to.at - from.at;
  return wall > 0 ? ((to.cpuMs - from.cpuMs) / wall) * 100 : 0;
}

export interface MachineSample {
  /** CPU time all cores spent busy (not idle, not waiting for I/O), ms. */
  busyMs: number;
  /** CPU time the hypervisor took from this machine, ms. */
  stealMs: number;
  at: number;
}

export function sampleMachine(): MachineSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const toMs = (ticks: number) => (ticks * 1000) / ticksPerSecond();
  return { busyMs: toMs(user! + nice! + system! + irq! + softirq!), stealMs: toMs(steal ?? 0), at: performance.now() };
}

/** Busy and stolen CPU between two samples, as percentages of one core. */
export function machinePercent(from: MachineSample, to: MachineSample): { busy: number; steal: number } {
  const wall = to.at - from.at;
  if (wall <= 0) return { busy: 0, steal: 0 };
  return { busy: ((to.busyMs - from.busyMs) / wall) * 100, steal: ((to.stealMs - from.stealMs) / wall) * 100 };
}
