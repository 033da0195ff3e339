/** The sweep's verdicts (capacity, CPU ratio to the reference relay, the issue's targets) and how they are printed. */
import { cpus, release, totalmem } from 'node:os';
import type { BenchOptions } from './options.js';
import { LATENCY_BUDGET_MS, type ScenarioResult } from './scenario.js';
import type { TargetKind } from './targets.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGB: number;
  node: string;
  os: string;
}

export interface CpuRatio {
  calls: number;
  serverCpuMsPerCallSecond: number;
  referenceCpuMsPerCallSecond: number;
  /** server ÷ reference: comparable across machines. */
  ratio: number;
  /** Either run has notes (busy or saturated machine): CPU a starved process did not get is missing from it. */
  disturbed: boolean;
}

export interface ScenarioFailure {
  target: string;
  calls: number;
  error: string;
}

export interface TargetCheck {
  name: string;
  goal: string;
  measured: string;
  pass: boolean;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  options: BenchOptions;
  scenarios: ScenarioResult[];
  /** Scenarios that could not be run (a process died, calls could not start…). */
  failures: ScenarioFailure[];
  /** Largest N whose p99 stayed under the budget both ways with nothing lost (null: none did). */
  capacity: Partial<Record<TargetKind, number | null>>;
  cpuRatios: CpuRatio[];
  /**
   * Memory each extra call costs: the slope of the server's peak RSS over N across the sweep (least squares),
   * which leaves out the fixed warm-up growth (JIT, heap sizing) that `rssPerCallKB` at one N includes.
   * Null with fewer than two N.
   */
  marginalRssPerCallKB: Partial<Record<TargetKind, number | null>>;
  /** The issue's targets at 500 calls (empty when 500 was not in the sweep). */
  targets: TargetCheck[];
}

export const TARGET_CALLS = 500;
const MAX_CPU_RATIO = 1.3;
const MAX_RSS_PER_CALL_KB = 150;

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

export function capacityOf(scenarios: ScenarioResult[], target: TargetKind): number | null {
  const passing = scenarios.filter((s) => s.target === target && s.withinBudget).map((s) => s.calls);
  return passing.length ? Math.max(...passing) : null;
}

export function cpuRatios(scenarios: ScenarioResult[]): CpuRatio[] {
  const out: CpuRatio[] = [];
  for (const server of scenarios.filter((s) => s.target === 'server')) {
    const reference = scenarios.find((s) => s.target === 'reference' && s.calls === server.calls);
    if (!reference || reference.server.cpuMsPerCallSecond <= 0) continue;
    const ratio = server.server.cpuMsPerCallSecond / reference.server.cpuMsPerCallSecond;
    out.push({
      calls: server.calls,
      serverCpuMsPerCallSecond: server.server.cpuMsPerCallSecond,
      referenceCpuMsPerCallSecond: reference.server.cpuMsPerCallSecond,
      ratio: Math.round(ratio * 100) / 100,
      disturbed: server.notes.length + reference.notes.length > 0,
    });
  }
  return out;
}

export function marginalRssPerCallKB(scenarios: ScenarioResult[], target: TargetKind): number | null {
  const points = scenarios.filter((s) => s.target === target && s.callsStarted > 0).map((s) => [s.callsStarted, s.server.rssMB * 1024] as const);
  if (new Set(points.map(([n]) => n)).size < 2) return null;
  const meanN = points.reduce((a, [n]) => a + n, 0) / points.length;
  const meanR = points.reduce((a, [, r]) => a + r, 0) / points.length;
  const cov = points.reduce((a, [n, r]) => a + (n - meanN) * (r - meanR), 0);
  const varN = points.reduce((a, [n]) => a + (n - meanN) ** 2, 0);
  return Math.round((cov / varN) * 10) / 10;
}

export function targetChecks(scenarios: ScenarioResult[], ratios: CpuRatio[], marginalKB: number | null = null): TargetCheck[] {
  const s = scenarios.find((r) => r.target === 'server' && r.calls === TARGET_CALLS);
  if (!s) return [];
  const { callerToModel: up, modelToCaller: down } = s.latencyMs;
  const lost = s.frames.callerToModel.lost + s.frames.modelToCaller.lost;
  const ratio = ratios.find((r) => r.calls === TARGET_CALLS)?.ratio;
  const checks: TargetCheck[] = [
    { name: 'p99 caller → model', goal: `< ${LATENCY_BUDGET_MS} ms`, measured: `${up.p99Ms} ms`, pass: up.p99Ms !== null && up.p99Ms < LATENCY_BUDGET_MS },
    { name: 'p99 model → caller', goal: `< ${LATENCY_BUDGET_MS} ms`, measured: `${down.p99Ms} ms`, pass: down.p99Ms !== null && down.p99Ms < LATENCY_BUDGET_MS },
    { name: 'frames lost', goal: '0', measured: String(lost), pass: lost === 0 },
    marginalKB === null
      ? { name: 'memory per call (peak over idle ÷ N)', goal: `≤ ${MAX_RSS_PER_CALL_KB} KB`, measured: `${s.server.rssPerCallKB} KB`, pass: s.server.rssPerCallKB <= MAX_RSS_PER_CALL_KB }
      : { name: 'memory per call (slope over the sweep)', goal: `≤ ${MAX_RSS_PER_CALL_KB} KB`, measured: `${marginalKB} KB`, pass: marginalKB <= MAX_RSS_PER_CALL_KB },
  ];
  if (ratio !== undefined) checks.push({ name: 'CPU per call vs reference', goal: `≤ ${MAX_CPU_RATIO}×`, measured: `${ratio}×`, pass: ratio <= MAX_CPU_RATIO });
  return checks;
}

const HEADERS = ['target', 'N', 'c→m p50/p99/max ms', 'm→c p50/p99/max ms', 'lost c→m/m→c', 'dup', 'CPU ms/call·s', 'CPU %', 'RSS/call KB', 'loop p99 ms', 'greet ms p50', 'turn ms p50/p99', 'ok'];

const fmt = (v: number | null) => (v === null ? '–' : String(v));

function row(s: ScenarioResult): string[] {
  const l = s.latencyMs;
  const triple = (x: typeof l.callerToModel) => `${fmt(x.p50Ms)}/${fmt(x.p99Ms)}/${fmt(x.maxMs)}`;
  return [
    s.target,
    String(s.calls),
    triple(l.callerToModel),
    triple(l.modelToCaller),
    `${s.frames.callerToModel.lost}/${s.frames.modelToCaller.lost}`,
    String(s.frames.callerToModel.duplicated + s.frames.modelToCaller.duplicated),
    String(s.server.cpuMsPerCallSecond),
    String(s.server.cpuPercent),
    String(s.server.rssPerCallKB),
    fmt(s.server.eventLoop?.p99Ms ?? null),
    fmt(s.overheadMs.greeting.p50Ms),
    `${fmt(s.overheadMs.turn.p50Ms)}/${fmt(s.overheadMs.turn.p99Ms)}`,
    (s.withinBudget ? 'yes' : 'NO') + (s.notes.length ? ' *' : ''),
  ];
}

export function textTable(scenarios: ScenarioResult[]): string {
  const rows = [HEADERS, ...scenarios.map(row)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

function noteLines(report: BenchReport): string[] {
  return report.scenarios.filter((s) => s.notes.length).map((s) => `* ${s.target} at N=${s.calls}: ${s.notes.join('; ')}`);
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
    lines.push(`CPU per call at N=${r.calls}: ${r.serverCpuMsPerCallSecond} vs ${r.referenceCpuMsPerCallSecond} ms/call·s = ${r.ratio}× the reference relay${caveat}`);
  }
  for (const t of report.targets) lines.push(`Target ${t.name}: ${t.measured} (goal ${t.goal}) ${t.pass ? 'PASS' : 'FAIL'}`);
  return lines;
}

export function textReport(report: BenchReport): string {
  return [textTable(report.scenarios), ...noteLines(report), '', ...verdictLines(report)].join('\n');
}

export function markdownReport(report: BenchReport): string {
  const m = report.machine;
  const o = report.options;
  const table = [HEADERS, HEADERS.map(() => '---'), ...report.scenarios.map(row)].map((r) => `| ${r.join(' | ')} |`).join('\n');
  return [
    `# Capacity benchmark, ${report.startedAt}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}. The load generator and the stand-ins run on the same machine.`,
    `Sweep: N = ${o.counts.join(', ')}; ${o.seconds} s measured per target and N after ramp-up and ${o.warmupSeconds} s warm-up; ${o.phases} frame phases.`,
    '',
    table,
    '',
    ...noteLines(report).map((l) => `\\${l}  `),
    '',
    ...verdictLines(report).map((l) => `- ${l}`),
    '',
    'Columns: latency is per frame through the bridge (c→m caller frames, m→c model audio deltas), measured in the window;',
    'lost/dup count every frame of the whole calls; CPU and RSS are the server process\'s (/proc), RSS per call is the peak',
    'over idle divided by N; loop is the server\'s event-loop delay; greeting and turn overheads are bridge time only.',
    '',
  ].join('\n');
}
