/** Event-loop delay of the current process over a measurement window (perf_hooks histogram). */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Samples every `resolutionMs` (default 5); a sample is how late the loop was to run the sampler.
 * Values are rounded to µs. Cheap (a native
 * timer), so it can run inside the server under test.
 */
export class LoopDelayMonitor {
  private readonly histogram: IntervalHistogram;

  constructor(private readonly resolutionMs = 5) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  reset(): void {
    this.histogram.reset();
  }

  read(): LoopDelay {
    const h = this.histogram;
    // The histogram holds whole sampling intervals; the delay is what exceeds the resolution.
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e3 - this.resolutionMs * 1e3) / 1e3) : 0);
    return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean) };
  }
}
