/**
 * The capacity benchmark works: its measuring pieces are exact, and a tiny run (2 calls for a few seconds)
 * against the reference relay and the real server produces a complete report in which audio flowed both ways.
 * No timing thresholds: speed is the benchmark's business, not the test suite's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silence, tone } from '../sim/audio.js';
import { runBench, type BenchRun } from '../bench/bench.js';
import { LatencyHistogram } from '../bench/latency-histogram.js';
import { DEFAULT_OPTIONS, OptionsError, parseBenchOptions, rampSecondsFor } from '../bench/options.js';
import { benchOrgs } from '../bench/bench-org.js';
import { textReport } from '../bench/report.js';
import { parseOrgConfig } from '../src/main-app/org-config.js';
import { capacityOf, cpuRatios, marginalRssPerCallKB, medianCpuRatios, summaries, targetChecks } from '../bench/verdicts.js';
import type { ScenarioResult } from '../bench/scenario.js';
import { SequenceTracker } from '../bench/sequence-tracker.js';
import { benchAllocator, productionNodeOptions } from '../bench/production-env.js';
import { STAMP_BYTES, elapsedUs, emptyStamp, readStamp, readStampBase64, stampBase64, writeStamp, type Stamp } from '../bench/stamp.js';

const sample: Stamp = { timeUs: 0xfedcba98, callId: 513, seq: 65535, extra: 1234, flags: 3 };

describe('audio stamps', () => {
  it('round-trips through μ-law bytes and stays near silence', () => {
    const frame = silence(20);
    writeStamp(frame, sample);
    const out = emptyStamp();
    expect(readStamp(frame, out)).toBe(true);
    expect(out).toEqual(sample);
    for (const byte of frame.subarray(0, STAMP_BYTES)) expect(byte & 0xf0).toBe(0xf0);
  });

  it('swaps only the base64 prefix of a payload and reads back without decoding it', () => {
    const audio = tone(100);
    const stamped = stampBase64(audio.toString('base64'), sample);
    const bytes = Buffer.from(stamped, 'base64');
    expect(bytes.length).toBe(audio.length);
    expect(bytes.subarray(STAMP_BYTES).equals(audio.subarray(STAMP_BYTES))).toBe(true);
    const out = emptyStamp();
    expect(readStampBase64(stamped, out)).toBe(true);
    expect(out).toEqual(sample);
  });

  it('finds no stamp in ordinary audio or a damaged stamp', () => {
    expect(readStamp(silence(20), emptyStamp())).toBe(false);
    expect(readStamp(tone(20), emptyStamp())).toBe(false);
    expect(readStampBase64(tone(20).toString('base64'), emptyStamp())).toBe(false);
    const frame = silence(20);
    writeStamp(frame, sample);
    frame[3] = frame[3]! ^ 0x01;
    expect(readStamp(frame, emptyStamp())).toBe(false);
  });

  it('measures elapsed time across the 32-bit wrap', () => {
    expect(elapsedUs(0xffffff00, 0x10)).toBe(0x110);
    expect(elapsedUs(0x10, 0x08)).toBe(-8);
  });
});

describe('latency histogram', () => {
  it('reports percentiles at bucket upper edges and the exact maximum', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) h.record(i * 100); // 0.1 … 10 ms
    h.record(25_500); // coarse range
    h.record(-3); // clocks disagreed: counted apart
    const s = h.summary();
    expect(s.count).toBe(101);
    expect(s.p50Ms).toBe(5.11);
    expect(s.p99Ms).toBe(10.01);
    expect(s.maxMs).toBe(25.5);
    expect(h.snapshot().negative).toBe(1);
  });

  it('merges snapshots from other processes', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1000);
    b.record(3000);
    b.record(30_000_000); // beyond 10 s: overflow bucket
    const merged = LatencyHistogram.from(a.snapshot());
    merged.merge(b.snapshot());
    expect(merged.count).toBe(3);
    expect(merged.percentileUs(50)).toBe(3010);
    expect(merged.summary().maxMs).toBe(30_000);
  });
});

describe('sequence tracker', () => {
  it('counts gaps as delivered-after-loss and repeats as duplicates, across the 16-bit wrap', () => {
    const t = new SequenceTracker();
    for (const seq of [65534, 65535, 0, 2, 2, 1, 3]) t.accept(seq);
    expect(t.delivered).toBe(5); // 65534, 65535, 0, 2, 3 (1 came too late: counted as a repeat)
    expect(t.duplicated).toBe(2);
  });
});

describe("the benchmark's restaurant", () => {
  it('is a valid org with no call cap of its own, so every one of the N calls is taken', () => {
    const org = benchOrgs()[DEFAULT_OPTIONS.orgId];
    const parsed = parseOrgConfig(org);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.config.maxConcurrentCalls).toBeUndefined();
  });
});

describe('the server under test', () => {
  it("runs with production's NODE_OPTIONS, read from the Dockerfile, unless BENCH_NODE_OPTIONS replaces them", () => {
    const saved = process.env.BENCH_NODE_OPTIONS;
    try {
      delete process.env.BENCH_NODE_OPTIONS;
      expect(productionNodeOptions()).toBe('--max-semi-space-size=2');
      process.env.BENCH_NODE_OPTIONS = '';
      expect(productionNodeOptions()).toBe('');
    } finally {
      if (saved === undefined) delete process.env.BENCH_NODE_OPTIONS;
      else process.env.BENCH_NODE_OPTIONS = saved;
    }
  });

  it("runs every target with production's allocator (the Dockerfile's LD_PRELOAD), found where this machine keeps it, and says when it is missing", () => {
    const saved = process.env.BENCH_LD_PRELOAD;
    try {
      delete process.env.BENCH_LD_PRELOAD;
      expect(benchAllocator((path) => path === '/usr/local/lib/libjemalloc.so.2')).toEqual({
        preload: '/usr/local/lib/libjemalloc.so.2',
        description: 'jemalloc as in production (/usr/local/lib/libjemalloc.so.2)',
      });
      expect(benchAllocator((path) => path === '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2').preload).toBe('/usr/lib/aarch64-linux-gnu/libjemalloc.so.2');
      const missing = benchAllocator(() => false);
      expect(missing.preload).toBeNull();
      expect(missing.description).toMatch(/not installed here \(apt-get install libjemalloc2\)/);
      process.env.BENCH_LD_PRELOAD = '';
      expect(benchAllocator(() => true)).toEqual({ preload: null, description: 'glibc malloc (BENCH_LD_PRELOAD empty)' });
    } finally {
      if (saved === undefined) delete process.env.BENCH_LD_PRELOAD;
      else process.env.BENCH_LD_PRELOAD = saved;
    }
  });
});

describe('bench options', () => {
  it('reads flags, lets flags win over the environment, and sorts the sweep', () => {
    const o = parseBenchOptions(['--n', '500,50', '--seconds', '7', '--targets', 'server'], { BENCH_N: '9', BENCH_WARMUP_SECONDS: '0' })!;
    expect(o.counts).toEqual([50, 500]);
    expect(o.seconds).toBe(7);
    expect(o.targets).toEqual(['server']);
    expect(o.warmupSeconds).toBe(0);
    expect(rampSecondsFor(o, 500)).toBe(5);
  });

  it('repeats each N a given number of times', () => {
    expect(parseBenchOptions(['--repeat', '3'], {})!.repeat).toBe(3);
    expect(parseBenchOptions([], { BENCH_REPEAT: '2' })!.repeat).toBe(2);
    expect(parseBenchOptions([], {})!.repeat).toBe(1);
    expect(() => parseBenchOptions(['--repeat', '0'], {})).toThrow(/--repeat/);
  });

  it('has a quick mode and a help answer', () => {
    expect(parseBenchOptions(['--quick'], {})!.counts).toEqual([20, 100]);
    expect(parseBenchOptions(['--help'], {})).toBeNull();
    expect(parseBenchOptions([], {})!.counts).toEqual(DEFAULT_OPTIONS.counts);
  });

  it('rejects bad values with a message naming the flag', () => {
    expect(() => parseBenchOptions(['--n', '10,abc'], {})).toThrow(/--n/);
    expect(() => parseBenchOptions(['--targets', 'nginx'], {})).toThrow(/--targets/);
    expect(() => parseBenchOptions(['--seconds', '0'], {})).toThrow(OptionsError);
    expect(() => parseBenchOptions(['--bogus'], {})).toThrow(OptionsError);
  });
});

function scenario(target: ScenarioResult['target'], calls: number, fields: { ok: boolean; cpu: number; rssMB: number; notes?: string[] }): ScenarioResult {
  const server = { cpuMsPerCallSecond: fields.cpu, rssMB: fields.rssMB };
  return { target, calls, callsStarted: calls, withinBudget: fields.ok, server, notes: fields.notes ?? [] } as ScenarioResult;
}

describe('bench verdicts', () => {
  const results = [
    scenario('reference', 100, { ok: true, cpu: 2, rssMB: 80 }),
    scenario('server', 100, { ok: true, cpu: 3, rssMB: 100 }),
    scenario('reference', 500, { ok: false, cpu: 2, rssMB: 90, notes: ['the machine was saturated'] }),
    scenario('server', 500, { ok: true, cpu: 2.5, rssMB: 150 }),
  ];

  it('takes the largest N within budget as the capacity', () => {
    expect(capacityOf(results, 'server')).toBe(500);
    expect(capacityOf(results, 'reference')).toBe(100);
    expect(capacityOf(results.slice(2, 3), 'reference')).toBeNull();
  });

  it('divides our CPU per call by the reference relay at the same N, flagging disturbed runs', () => {
    expect(cpuRatios(results).map((r) => [r.calls, r.ratio, r.disturbed])).toEqual([
      [100, 1.5, false],
      [500, 1.25, true],
    ]);
  });

  it('derives memory per extra call from the slope of RSS over N', () => {
    expect(marginalRssPerCallKB(results, 'server')).toBe(128); // 50 MB over 400 calls
    expect(marginalRssPerCallKB(results.slice(0, 2), 'server')).toBeNull();
  });
});

/** A run at N = 200 with the figures the targets look at. */
function measured(target: ScenarioResult['target'], run: number, f: { cpu: number; p99: number; steadyKB: number; lost?: number }): ScenarioResult {
  const latency = { count: 1000, p50Ms: 0.5, p99Ms: f.p99, maxMs: f.p99 * 2 };
  const frames = { sent: 100, delivered: 100 - (f.lost ?? 0), lost: f.lost ?? 0, duplicated: 0, unstamped: 0 };
  return {
    target,
    calls: 200,
    run,
    callsStarted: 200,
    withinBudget: true,
    notes: [],
    latencyMs: { callerToModel: latency, modelToCaller: latency },
    frames: { callerToModel: frames, modelToCaller: frames },
    server: { cpuMsPerCallSecond: f.cpu, systemMsPerCallSecond: f.cpu / 2, rssMB: 100, rssPerCallKB: f.steadyKB + 20, rssSteadyPerCallKB: f.steadyKB },
  } as unknown as ScenarioResult;
}

describe('the targets at N = 200, over interleaved runs', () => {
  const runs = [
    measured('reference', 0, { cpu: 3, p99: 2, steadyKB: 150 }),
    measured('server', 0, { cpu: 2.1, p99: 3, steadyKB: 90 }),
    measured('server', 1, { cpu: 1.5, p99: 3.5, steadyKB: 95 }),
    measured('reference', 1, { cpu: 2, p99: 2.5, steadyKB: 140 }),
    measured('reference', 2, { cpu: 2.5, p99: 2, steadyKB: 145 }),
    measured('server', 2, { cpu: 2.4, p99: 9, steadyKB: 99 }),
  ];

  it('pairs each run with itself and takes the median of the ratios', () => {
    expect(cpuRatios(runs).map((r) => [r.run, r.ratio])).toEqual([
      [0, 0.7],
      [1, 0.75],
      [2, 0.96],
    ]);
    expect(medianCpuRatios(cpuRatios(runs))).toEqual([{ calls: 200, runs: 3, medianOfRuns: 0.75, ofMedians: 0.84 }]);
  });

  it('checks CPU, both memory measures, p99 against the relay and lost frames on the medians', () => {
    const medians = summaries(runs);
    expect(medians.find((s) => s.target === 'server')).toMatchObject({ runs: 3, cpuMsPerCallSecond: 2.1, p99CallerToModelMs: 3.5, rssSteadyPerCallKB: 95, lost: 0 });
    const checks = targetChecks(medians, medianCpuRatios(cpuRatios(runs)), 80);
    expect(checks.map((c) => c.pass)).toEqual([true, true, true, true, true, true]);
    expect(targetChecks(medians, medianCpuRatios(cpuRatios(runs)), null)[1]).toMatchObject({ pass: false, measured: 'not measured (needs two N)' });
    const worse = summaries([runs[0]!, runs[1]!, measured('server', 1, { cpu: 1.5, p99: 3.5, steadyKB: 125 }), ...runs.slice(3, 5), measured('server', 2, { cpu: 2.4, p99: 9, steadyKB: 130, lost: 1 })]);
    const failed = targetChecks(worse, medianCpuRatios(cpuRatios(runs)), 120).filter((c) => !c.pass).map((c) => c.name);
    expect(failed).toEqual(['memory per call, slope of peak RSS over N', 'memory per call, steady RSS − idle ÷ N (median of 3 runs)', 'frames lost or duplicated (every run)']);
  });
});

describe('npm run bench at N=2', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  let run: BenchRun;
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('measures the reference relay, the byte relay (floor) and the real server, and writes JSON + Markdown', async () => {
    run = await runBench({
      ...DEFAULT_OPTIONS,
      counts: [2],
      seconds: 3,
      rampSeconds: 0.5,
      warmupSeconds: 1.5,
      // Short turns so that the window holds greetings' aftermath and whole caller turns with answers.
      pattern: { greetingWaitMs: 1200, cycleMs: 1800, speechMs: 500 },
      model: { greetingMs: 500, replyMs: 500, thinkMs: 20 },
      drainMs: 800,
      outDir,
      targets: ['reference', 'floor', 'server'],
    });
    const { report, files } = run;
    expect(report.scenarios.map((s) => [s.target, s.calls])).toEqual([
      ['reference', 2],
      ['floor', 2],
      ['server', 2],
    ]);
    for (const s of report.scenarios) {
      expect(s.callsStarted, s.target).toBe(2);
      expect(s.activeCallsAtWindow, s.target).toBe(2);
      const { callerToModel: up, modelToCaller: down } = s.frames;
      expect(up.sent, s.target).toBeGreaterThan(100);
      expect(up.delivered, s.target).toBe(up.sent);
      expect(down.sent, s.target).toBeGreaterThan(0);
      expect(down.delivered, s.target).toBe(down.sent);
      expect(up.duplicated + down.duplicated, s.target).toBe(0);
      expect(s.latencyMs.callerToModel.count, s.target).toBeGreaterThan(0);
      expect(s.latencyMs.modelToCaller.count, s.target).toBeGreaterThan(0);
      expect(s.overheadMs.greeting.count, s.target).toBe(2);
      expect(s.overheadMs.turn.count, s.target).toBeGreaterThan(0);
      expect(s.model.turns, s.target).toBeGreaterThan(0);
      expect(s.twilio.marksReceived, s.target).toBeGreaterThan(0);
      expect(s.twilio.violations, s.target).toBe(0);
      expect(s.twilio.closedByBridge, s.target).toBe(0);
      expect(s.server.cpuMsPerCallSecond, s.target).toBeGreaterThan(0);
      expect(s.server.rssIdleMB, s.target).toBeGreaterThan(0);
    }
    expect(report.cpuRatios).toHaveLength(1);
    expect(report.floorCpuRatios).toHaveLength(1);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(Object.keys(report.capacity).sort()).toEqual(['floor', 'reference', 'server']);

    expect(files).toHaveLength(2);
    for (const file of files) expect(existsSync(file)).toBe(true);
    const json = JSON.parse(readFileSync(files.find((f) => f.endsWith('.json'))!, 'utf8')) as typeof report;
    expect(json.scenarios).toHaveLength(3);
    const markdown = readFileSync(files.find((f) => f.endsWith('.md'))!, 'utf8');
    expect(markdown).toContain('| reference | 2 |');
    expect(markdown).toContain('| server | 2 |');
    expect(markdown).toContain('| floor | 2 |');
    expect(textReport(report)).toContain('CPU per call at N=2');
  }, 120_000);
});
