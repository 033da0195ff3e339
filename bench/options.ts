/** `npm run bench` options, from flags or the environment (flags win). */
import { parseArgs } from 'node:util';
import type { CallPattern } from './call-pattern.js';
import type { ModelStartArgs } from './launch-model.js';
import { TARGET_KINDS, type TargetKind } from './targets.js';

export interface BenchOptions {
  /** Concurrent calls per step of the sweep, ascending. */
  counts: number[];
  targets: TargetKind[];
  /** Measurement window per (target, N). */
  seconds: number;
  /**
   * Runs per N. The targets take turns within a run, in alternating order (reference first, then server first, …),
   * so a slow drift in the machine's load weighs on both; verdicts take the median over the runs.
   */
  repeat: number;
  /** Calls start spread over this many seconds; by default N/100, between 1 and 8. */
  rampSeconds: number | 'auto';
  warmupSeconds: number;
  /** Distinct 20 ms phases the callers send on. */
  phases: number;
  pattern: CallPattern;
  model: Omit<ModelStartArgs, 'apiKey'>;
  drainMs: number;
  /** Where JSON and Markdown results go; null writes nothing. */
  outDir: string | null;
  orgId: string;
}

/** The benchmark's restaurant (`bench-org.ts`): no call cap of its own, so the process's capacity is what is measured. */
export const BENCH_ORG_ID = 'org_bench';

export const DEFAULT_OPTIONS: BenchOptions = {
  counts: [50, 200, 500, 1000],
  targets: ['reference', 'server'],
  seconds: 20,
  repeat: 1,
  rampSeconds: 'auto',
  warmupSeconds: 3,
  phases: 10,
  // The caller talks 2 s of every 6; the model answers for 2.8 s after 0.5 s of silence (server VAD) + think time.
  pattern: { greetingWaitMs: 2500, cycleMs: 6000, speechMs: 2000 },
  model: { greetingMs: 1500, replyMs: 2800, thinkMs: 150 },
  drainMs: 1500,
  outDir: 'bench/results',
  orgId: BENCH_ORG_ID,
};

export const QUICK_OVERRIDES: Partial<BenchOptions> = { counts: [20, 100], seconds: 5, warmupSeconds: 2 };

export const USAGE = `npm run bench -- [options]
  --n 50,200,500,1000   concurrent calls to sweep             (env BENCH_N)
  --seconds 20          measurement window per target and N    (env BENCH_SECONDS)
  --repeat 1            runs per N, targets interleaved; verdicts take medians (env BENCH_REPEAT)
  --targets reference,server   of reference, floor, server     (env BENCH_TARGETS)
  --ramp auto           seconds over which calls start         (env BENCH_RAMP_SECONDS)
  --warmup 3            seconds between ramp-up and measuring  (env BENCH_WARMUP_SECONDS)
  --out bench/results   where JSON + Markdown go               (env BENCH_OUT)
  --quick               N=20,100 for 5 s each (about a minute)
  --help
environment only:
  BENCH_NODE_OPTIONS    the server's NODE_OPTIONS instead of the Dockerfile's (empty: none)
  BENCH_LD_PRELOAD      the allocator every target preloads instead of production's jemalloc (empty: glibc malloc)
  BENCH_PROFILE_DIR     write a V8 CPU profile of every process there`;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

function seconds(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > 3600) {
    throw new OptionsError(`--${name}: expected seconds from ${min} to 3600, got ${JSON.stringify(text)}`);
  }
  return value;
}

function runs(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new OptionsError(`--repeat: expected a whole number from 1 to 20, got ${JSON.stringify(text)}`);
  return n;
}

function counts(text: string): number[] {
  const values = text.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new OptionsError(`--n: expected whole numbers from 1 to 65535, got ${JSON.stringify(part)}`);
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

function targets(text: string): TargetKind[] {
  const values = text.split(',').map((t) => t.trim());
  for (const t of values) {
    if (!TARGET_KINDS.includes(t as TargetKind)) throw new OptionsError(`--targets: expected some of ${TARGET_KINDS.join(', ')}, got ${JSON.stringify(t)}`);
  }
  return TARGET_KINDS.filter((t) => values.includes(t));
}

/** Parses flags and environment; returns null when `--help` was asked for. */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        n: { type: 'string' },
        seconds: { type: 'string' },
        repeat: { type: 'string' },
        targets: { type: 'string' },
        ramp: { type: 'string' },
        warmup: { type: 'string' },
        out: { type: 'string' },
        quick: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new OptionsError((err as Error).message);
  }
  if (parsed.help) return null;
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...(parsed.quick || env.BENCH_QUICK === '1' ? QUICK_OVERRIDES : {}) };
  const n = parsed.n ?? env.BENCH_N;
  const window = parsed.seconds ?? env.BENCH_SECONDS;
  const repeat = parsed.repeat ?? env.BENCH_REPEAT;
  const target = parsed.targets ?? env.BENCH_TARGETS;
  const ramp = parsed.ramp ?? env.BENCH_RAMP_SECONDS;
  const warmup = parsed.warmup ?? env.BENCH_WARMUP_SECONDS;
  const out = parsed.out ?? env.BENCH_OUT;
  if (n) options.counts = counts(n);
  if (window) options.seconds = seconds('seconds', window, 1);
  if (repeat) options.repeat = runs(repeat);
  if (target) options.targets = targets(target);
  if (ramp && ramp !== 'auto') options.rampSeconds = seconds('ramp', ramp, 0);
  if (warmup) options.warmupSeconds = seconds('warmup', warmup, 0);
  if (out) options.outDir = out;
  return options;
}

export function rampSecondsFor(options: BenchOptions, calls: number): number {
  return options.rampSeconds === 'auto' ? Math.min(8, Math.max(1, calls / 100)) : options.rampSeconds;
}
