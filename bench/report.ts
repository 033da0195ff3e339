/** How the sweep's results are printed and written (the verdicts themselves are `verdicts.ts`'). */
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { BenchOptions } from './options.js';
import { LATENCY_BUDGET_MS, type ScenarioResult } from './scenario.js';
import type { TargetKind } from './targets.js';
import type { CpuRatio, MedianCpuRatio, RunSummary, TargetCheck } from './verdicts.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  node: string;
  os: string;
  /** 1, 5 and 15 minute load averages as the sweep started: how busy the machine already was. */
  loadAtStart: number[];
}

export interface ScenarioFailure {
  target: string;
  calls: number;
  error: string;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  options: BenchOptions;
  /** The server's NODE_OPTIONS (production's, from the Dockerfile, unless BENCH_NODE_OPTIONS replaced them). */
  serverNodeOptions: string;
  /** The memory allocator every target ran with (production's jemalloc when installed here). */
  allocator: string;
  scenarios: ScenarioResult[];
  /** Scenarios that could not be run (a process died, calls could not start…). */
  failures: ScenarioFailure[];
  /** Largest N whose p99 stayed under the budget both ways with nothing lost (null: none did). */
  capacity: Partial<Record<TargetKind, number | null>>;
  /** One per run and N: the server against the reference measured in the same run. */
  cpuRatios: CpuRatio[];
  /** Per N, over the runs. */
  medianCpuRatios: MedianCpuRatio[];
  /** The same for the floor (the byte relay), when it ran. */
  floorCpuRatios: MedianCpuRatio[];
  /** Per target and N, the medians over the runs. */
  summaries: RunSummary[];
  /** Memory each extra call costs: the slope of peak RSS over N (null with fewer than two N). */
  marginalRssPerCallKB: Partial<Record<TargetKind, number | null>>;
  /** The targets at N = 200 (empty when 200 was not in the sweep). */
  targets: TargetCheck[];
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

const HEADERS = ['target', 'N', 'run', 'c→m p50/p99/max ms', 'm→c p50/p99/max ms', 'lost c→m/m→c', 'dup', 'CPU ms/call·s', 'of it kernel', 'CPU %', 'RSS/call KB peak/steady', 'loop p99 ms', 'greet ms p50', 'turn ms p50/p99', 'ok'];
const SUMMARY_HEADERS = ['target', 'N', 'runs', 'CPU ms/call·s', 'of it kernel', 'c→m p99 ms', 'm→c p99 ms', 'lost', 'dup', 'RSS/call KB peak/steady', 'disturbed runs'];

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));

function row(s: ScenarioResult): string[] {
  const l = s.latencyMs;
  const triple = (x: typeof l.callerToModel) => `${fmt(x.p50Ms)}/${fmt(x.p99Ms)}/${fmt(x.maxMs)}`;
  return [
    s.target,
    String(s.calls),
    String((s.run ?? 0) + 1),
    triple(l.callerToModel),
    triple(l.modelToCaller),
    `${s.frames.callerToModel.lost}/${s.frames.modelToCaller.lost}`,
    String(s.frames.callerToModel.duplicated + s.frames.modelToCaller.duplicated),
    String(s.server.cpuMsPerCallSecond),
    fmt(s.server.systemMsPerCallSecond),
    String(s.server.cpuPercent),
    `${s.server.rssPerCallKB}/${fmt(s.server.rssSteadyPerCallKB)}`,
    fmt(s.server.eventLoop?.p99Ms ?? null),
    fmt(s.overheadMs.greeting.p50Ms),
    `${fmt(s.overheadMs.turn.p50Ms)}/${fmt(s.overheadMs.turn.p99Ms)}`,
    (s.withinBudget ? 'yes' : 'NO') + (s.notes.length ? ' *' : ''),
  ];
}

function summaryRow(s: RunSummary): string[] {
  return [
    s.target,
    String(s.calls),
    String(s.runs),
    String(s.cpuMsPerCallSecond),
    String(s.systemMsPerCallSecond),
    fmt(s.p99CallerToModelMs),
    fmt(s.p99ModelToCallerMs),
    String(s.lost),
    String(s.duplicated),
    `${s.rssPerCallKB}/${s.rssSteadyPerCallKB}`,
    String(s.disturbedRuns),
  ];
}

function textGrid(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

function markdownGrid(rows: string[][]): string {
  return [rows[0]!, rows[0]!.map(() => '---'), ...rows.slice(1)].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function textTable(scenarios: ScenarioResult[]): string {
  return textGrid([HEADERS, ...scenarios.map(row)]);
}

function noteLines(report: BenchReport): string[] {
  return report.scenarios.filter((s) => s.notes.length).map((s) => `* ${s.target} at N=${s.calls}, run ${(s.run ?? 0) + 1}: ${s.notes.join('; ')}`);
}

function verdictLines(report: BenchReport): string[] {
  const lines: string[] = report.failures.map((f) => `Could not run ${f.target} at N=${f.calls}: ${f.error.split('\n')[0]}`);
  for (const [target, n] of Object.entries(report.capacity)) {
    lines.push(`Capacity (${target}): ${n === null ? `none of the tested N kept p99 < ${LATENCY_BUDGET_MS} ms with 0 frames lost` : `${n} concurrent calls`}`);
  }
  for (const [target, kb] of Object.entries(report.marginalRssPerCallKB)) {
    if (kb !== null) lines.push(`Memory per extra call (${target}): ${kb} KB (slope of peak RSS over N)`);
  }
  for (const r of report.cpuRatios) {
    const caveat = r.disturbed ? ' (disturbed, see notes)' : '';
    lines.push(`CPU per call at N=${r.calls}, run ${r.run + 1}: ${r.serverCpuMsPerCallSecond} vs ${r.referenceCpuMsPerCallSecond} ms/call·s = ${r.ratio}× the reference relay${caveat}`);
  }
  for (const r of report.medianCpuRatios) {
    if (r.runs > 1) lines.push(`CPU per call at N=${r.calls}, ${r.runs} runs: median ${r.medianOfRuns}× the reference relay (ratio of the medians ${r.ofMedians}×)`);
  }
  for (const r of report.floorCpuRatios ?? []) {
    lines.push(`Floor (the byte relay: no JSON, no call logic) at N=${r.calls}, ${r.runs} run${r.runs === 1 ? '' : 's'}: median ${r.medianOfRuns}× the reference relay`);
  }
  for (const t of report.targets) lines.push(`Target ${t.name}: ${t.measured} (goal ${t.goal}) ${t.pass ? 'PASS' : 'FAIL'}`);
  return lines;
}

function machineLine(report: BenchReport): string {
  const m = report.machine;
  const load = m.loadAtStart?.length ? `; load average ${m.loadAtStart.join(', ')} at the start` : '';
  const flags = report.serverNodeOptions ? ` The server ran with NODE_OPTIONS="${report.serverNodeOptions}".` : '';
  return `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}${load}. The load generator and the stand-ins run on the same machine.${flags} Allocator: ${report.allocator}.`;
}

export function textReport(report: BenchReport): string {
  const medians = report.options.repeat > 1 ? ['', 'Medians over the runs:', textGrid([SUMMARY_HEADERS, ...report.summaries.map(summaryRow)])] : [];
  return [machineLine(report), '', textTable(report.scenarios), ...noteLines(report), ...medians, '', ...verdictLines(report)].join('\n');
}

export function markdownReport(report: BenchReport): string {
  const o = report.options;
  const medians = o.repeat > 1 ? ['', 'Medians over the runs:', '', markdownGrid([SUMMARY_HEADERS, ...report.summaries.map(summaryRow)])] : [];
  return [
    `# Capacity benchmark, ${report.startedAt}`,
    '',
    machineLine(report),
    `Sweep: N = ${o.counts.join(', ')}; ${o.repeat} run${o.repeat === 1 ? '' : 's'} per N, targets interleaved; ${o.seconds} s measured per target, N and run after ramp-up and ${o.warmupSeconds} s warm-up; ${o.phases} frame phases.`,
    '',
    markdownGrid([HEADERS, ...report.scenarios.map(row)]),
    '',
    ...noteLines(report).map((l) => `\\${l}  `),
    ...medians,
    '',
    ...verdictLines(report).map((l) => `- ${l}`),
    '',
    'Columns: latency is per frame through the bridge (c→m caller frames, m→c model audio deltas), measured in the window;',
    "lost/dup count every frame of the whole calls; CPU and RSS are the server process's (/proc), \"of it kernel\" its system",
    'time; RSS per call is (peak − idle) ÷ N and (median over the window − idle) ÷ N; loop is the server\'s event-loop delay;',
    'greeting and turn overheads are bridge time only.',
    '',
  ].join('\n');
}
