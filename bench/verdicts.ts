/**
 * What the sweep concludes: capacity, CPU against the reference relay (run by run, then the median over the runs),
 * memory per call by two measures, and the targets of "below the floor" at N = 200.
 */
import { median } from './median.js';
import type { ScenarioResult } from './scenario.js';
import type { TargetKind } from './targets.js';

/** The N the targets are checked at. */
export const TARGET_CALLS = 200;
/** Server CPU per call-second over the relay's, at most (median of the runs). */
export const MAX_CPU_RATIO = 0.8;
/** Memory per call beyond idle, at most, by either measure. */
export const MAX_RSS_PER_CALL_KB = 100;
/** The server's p99 may exceed the relay's by this much, each way (medians of the runs). */
export const P99_MARGIN_MS = 2;

export interface CpuRatio {
  calls: number;
  run: number;
  serverCpuMsPerCallSecond: number;
  referenceCpuMsPerCallSecond: number;
  /** server ÷ reference: comparable across machines. */
  ratio: number;
  /** Either run has notes (busy or saturated machine): CPU a starved process did not get is missing from it. */
  disturbed: boolean;
}

/** The medians over the runs of one target at one N. */
export interface RunSummary {
  target: TargetKind;
  calls: number;
  runs: number;
  cpuMsPerCallSecond: number;
  systemMsPerCallSecond: number;
  p99CallerToModelMs: number | null;
  p99ModelToCallerMs: number | null;
  /** (peak RSS − idle) ÷ calls. */
  rssPerCallKB: number;
  /** (median RSS of the window − idle) ÷ calls. */
  rssSteadyPerCallKB: number;
  /** Summed over the runs, both ways. */
  lost: number;
  duplicated: number;
  /** Runs that carry notes (a busy machine). */
  disturbedRuns: number;
}

/** CPU of the server over the relay's at one N, over the runs. */
export interface MedianCpuRatio {
  calls: number;
  runs: number;
  /** The median of the runs' own ratios (each run measures both targets back to back). */
  medianOfRuns: number;
  /** The server's median CPU over the relay's median CPU. */
  ofMedians: number;
}

export interface TargetCheck {
  name: string;
  goal: string;
  measured: string;
  pass: boolean;
}

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const medianOrNull = (values: Array<number | null>): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? round(median(known), 3) : null;
};

export function capacityOf(scenarios: ScenarioResult[], target: TargetKind): number | null {
  const passing = scenarios.filter((s) => s.target === target && s.withinBudget).map((s) => s.calls);
  return passing.length ? Math.max(...passing) : null;
}

/** One ratio per run: the server (or `target`) against the reference measured in the same run at the same N. */
export function cpuRatios(scenarios: ScenarioResult[], target: TargetKind = 'server'): CpuRatio[] {
  const out: CpuRatio[] = [];
  for (const server of scenarios.filter((s) => s.target === target)) {
    const reference = scenarios.find((s) => s.target === 'reference' && s.calls === server.calls && s.run === server.run);
    if (!reference || reference.server.cpuMsPerCallSecond <= 0) continue;
    out.push({
      calls: server.calls,
      run: server.run ?? 0,
      serverCpuMsPerCallSecond: server.server.cpuMsPerCallSecond,
      referenceCpuMsPerCallSecond: reference.server.cpuMsPerCallSecond,
      ratio: round(server.server.cpuMsPerCallSecond / reference.server.cpuMsPerCallSecond),
      disturbed: server.notes.length + reference.notes.length > 0,
    });
  }
  return out;
}

export function medianCpuRatios(ratios: CpuRatio[]): MedianCpuRatio[] {
  return [...new Set(ratios.map((r) => r.calls))].map((calls) => {
    const at = ratios.filter((r) => r.calls === calls);
    return {
      calls,
      runs: at.length,
      medianOfRuns: round(median(at.map((r) => r.ratio))),
      ofMedians: round(median(at.map((r) => r.serverCpuMsPerCallSecond)) / median(at.map((r) => r.referenceCpuMsPerCallSecond))),
    };
  });
}

/**
 * Memory each extra call costs: the slope of the server's peak RSS over N across the sweep (least squares over
 * every run), which leaves out the fixed warm-up growth (JIT, heap sizing) that a per-call figure at one N includes.
 * Null with fewer than two N.
 */
export function marginalRssPerCallKB(scenarios: ScenarioResult[], target: TargetKind): number | null {
  const points = scenarios.filter((s) => s.target === target && s.callsStarted > 0).map((s) => [s.callsStarted, s.server.rssMB * 1024] as const);
  if (new Set(points.map(([n]) => n)).size < 2) return null;
  const meanN = points.reduce((a, [n]) => a + n, 0) / points.length;
  const meanR = points.reduce((a, [, r]) => a + r, 0) / points.length;
  const cov = points.reduce((a, [n, r]) => a + (n - meanN) * (r - meanR), 0);
  const varN = points.reduce((a, [n]) => a + (n - meanN) ** 2, 0);
  return Math.round((cov / varN) * 10) / 10;
}

export function summaries(scenarios: ScenarioResult[]): RunSummary[] {
  const keys = [...new Map(scenarios.map((s) => [`${s.calls} ${s.target}`, s] as const)).values()];
  return keys.map(({ target, calls }) => {
    const runs = scenarios.filter((s) => s.target === target && s.calls === calls);
    const m = (pick: (s: ScenarioResult) => number) => round(median(runs.map(pick)), 3);
    return {
      target,
      calls,
      runs: runs.length,
      cpuMsPerCallSecond: m((s) => s.server.cpuMsPerCallSecond),
      systemMsPerCallSecond: m((s) => s.server.systemMsPerCallSecond ?? 0),
      p99CallerToModelMs: medianOrNull(runs.map((s) => s.latencyMs.callerToModel.p99Ms)),
      p99ModelToCallerMs: medianOrNull(runs.map((s) => s.latencyMs.modelToCaller.p99Ms)),
      rssPerCallKB: m((s) => s.server.rssPerCallKB),
      rssSteadyPerCallKB: m((s) => s.server.rssSteadyPerCallKB ?? s.server.rssPerCallKB),
      lost: runs.reduce((a, s) => a + s.frames.callerToModel.lost + s.frames.modelToCaller.lost, 0),
      duplicated: runs.reduce((a, s) => a + s.frames.callerToModel.duplicated + s.frames.modelToCaller.duplicated, 0),
      disturbedRuns: runs.filter((s) => s.notes.length > 0).length,
    };
  });
}

/** The targets at `TARGET_CALLS` (empty when that N was not measured against both targets). */
export function targetChecks(all: RunSummary[], ratios: MedianCpuRatio[], marginalKB: number | null): TargetCheck[] {
  const server = all.find((s) => s.target === 'server' && s.calls === TARGET_CALLS);
  const reference = all.find((s) => s.target === 'reference' && s.calls === TARGET_CALLS);
  const ratio = ratios.find((r) => r.calls === TARGET_CALLS);
  if (!server || !reference || !ratio) return [];
  const p99 = (name: string, ours: number | null, theirs: number | null): TargetCheck => ({
    name: `p99 ${name}`,
    goal: `≤ relay + ${P99_MARGIN_MS} ms`,
    measured: `${ours} ms vs relay ${theirs} ms`,
    pass: ours !== null && theirs !== null && ours <= theirs + P99_MARGIN_MS,
  });
  const memory = (name: string, kb: number | null): TargetCheck => ({
    name: `memory per call, ${name}`,
    goal: `≤ ${MAX_RSS_PER_CALL_KB} KB`,
    measured: kb === null ? 'not measured (needs two N)' : `${kb} KB`,
    pass: kb !== null && kb <= MAX_RSS_PER_CALL_KB,
  });
  const runs = `median of ${ratio.runs} run${ratio.runs === 1 ? '' : 's'}`;
  return [
    { name: `CPU per call-second vs relay (${runs})`, goal: `≤ ${MAX_CPU_RATIO}×`, measured: `${ratio.medianOfRuns}× (ratio of medians ${ratio.ofMedians}×)`, pass: ratio.medianOfRuns <= MAX_CPU_RATIO },
    memory('slope of peak RSS over N', marginalKB),
    memory(`steady RSS − idle ÷ N (${runs})`, server.rssSteadyPerCallKB),
    p99('caller → model', server.p99CallerToModelMs, reference.p99CallerToModelMs),
    p99('model → caller', server.p99ModelToCallerMs, reference.p99ModelToCallerMs),
    { name: 'frames lost or duplicated (every run)', goal: '0', measured: `${server.lost} lost, ${server.duplicated} duplicated`, pass: server.lost === 0 && server.duplicated === 0 },
  ];
}
