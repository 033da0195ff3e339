/**
 * The capacity sweep: for each N, the same load against each target (the reference relay first), then the
 * verdicts, printed and written as JSON + Markdown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RpcChild, repoRoot } from './ipc.js';
import { rampSecondsFor, type BenchOptions } from './options.js';
import { machineInfo, markdownReport, type BenchReport, type ScenarioFailure } from './report.js';
import { runScenario, type ScenarioResult, type ScenarioSettings } from './scenario.js';
import { benchAllocator, productionNodeOptions } from './production-env.js';
import { capacityOf, cpuRatios, marginalRssPerCallKB, medianCpuRatios, summaries, targetChecks } from './verdicts.js';

export const BENCH_API_KEY = 'sk-bench-standin';

export interface BenchRun {
  report: BenchReport;
  /** Files written (JSON, Markdown), empty when `outDir` is null. */
  files: string[];
}

export async function runBench(options: BenchOptions, log: (line: string) => void = () => undefined): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const mainApp = RpcChild.fork('launch-main-app');
  const scenarios: ScenarioResult[] = [];
  const failures: ScenarioFailure[] = [];
  try {
    const { url: appUrl } = await mainApp.call<{ url: string }>('start');
    for (const calls of options.counts) {
      for (let run = 0; run < options.repeat; run++) {
        for (const target of run % 2 === 0 ? options.targets : [...options.targets].reverse()) {
          log(`N=${calls} against ${target}${options.repeat > 1 ? ` (run ${run + 1} of ${options.repeat})` : ''}`);
          try {
            scenarios.push(await runScenario(target, { ...scenarioSettings(options, calls), run }, { apiKey: BENCH_API_KEY, appUrl, orgId: options.orgId }, log));
          } catch (err) {
            const error = err instanceof Error ? err.message : String(err);
            log(`  ${target} at N=${calls} failed: ${error}`);
            failures.push({ target, calls, error });
          }
        }
      }
    }
  } finally {
    await mainApp.stop();
  }
  const ratios = cpuRatios(scenarios);
  const medianRatios = medianCpuRatios(ratios);
  const medians = summaries(scenarios);
  const marginal = Object.fromEntries(options.targets.map((t) => [t, marginalRssPerCallKB(scenarios, t)]));
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    options,
    serverNodeOptions: productionNodeOptions(),
    allocator: benchAllocator().description,
    scenarios,
    failures,
    capacity: Object.fromEntries(options.targets.map((t) => [t, capacityOf(scenarios, t)])),
    cpuRatios: ratios,
    medianCpuRatios: medianRatios,
    floorCpuRatios: medianCpuRatios(cpuRatios(scenarios, 'floor')),
    summaries: medians,
    marginalRssPerCallKB: marginal,
    targets: targetChecks(medians, medianRatios, marginal.server ?? null),
  };
  return { report, files: options.outDir === null ? [] : writeResults(report, options.outDir) };
}

function scenarioSettings(options: BenchOptions, calls: number): ScenarioSettings {
  const { seconds, warmupSeconds, phases, pattern, model, drainMs } = options;
  return { calls, seconds, rampSeconds: rampSecondsFor(options, calls), warmupSeconds, phases, pattern, model, drainMs };
}

function writeResults(report: BenchReport, outDir: string): string[] {
  const dir = isAbsolute(outDir) ? outDir : join(repoRoot, outDir);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `bench-${report.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdownReport(report));
  return [`${base}.json`, `${base}.md`];
}
