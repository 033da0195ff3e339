/**
 * Fixed-bucket latency histogram in µs: 10 µs buckets below 20 ms, 1 ms buckets up to 10 s, then one overflow
 * bucket. Recording is O(1) and allocation-free; snapshots are sparse so they cross process boundaries cheaply.
 * Percentiles report a bucket's upper edge (never flattering); the maximum is exact.
 */
const FINE_US = 10;
const FINE_BUCKETS = 2000;
const FINE_LIMIT_US = FINE_US * FINE_BUCKETS;
const COARSE_US = 1000;
const COARSE_BUCKETS = 9980;
const COARSE_LIMIT_US = FINE_LIMIT_US + COARSE_US * COARSE_BUCKETS;

export interface HistogramSnapshot {
  fine: Array<[number, number]>;
  coarse: Array<[number, number]>;
  overflow: number;
  count: number;
  maxUs: number;
  /** Samples below zero (the clocks disagreed): counted, never bucketed. */
  negative: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

function sparse(buckets: Uint32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < buckets.length; i++) if (buckets[i]! > 0) out.push([i, buckets[i]!]);
  return out;
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

export class LatencyHistogram {
  private readonly fine = new Uint32Array(FINE_BUCKETS);
  private readonly coarse = new Uint32Array(COARSE_BUCKETS);
  private overflow = 0;
  private negative = 0;
  count = 0;
  maxUs = 0;

  static from(snapshot: HistogramSnapshot): LatencyHistogram {
    const h = new LatencyHistogram();
    h.merge(snapshot);
    return h;
  }

  record(us: number): void {
    if (us < 0) {
      this.negative++;
      return;
    }
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
    if (us < FINE_LIMIT_US) this.fine[Math.floor(us / FINE_US)]!++;
    else if (us < COARSE_LIMIT_US) this.coarse[Math.floor((us - FINE_LIMIT_US) / COARSE_US)]!++;
    else this.overflow++;
  }

  merge(s: HistogramSnapshot): void {
    for (const [i, n] of s.fine) this.fine[i]! += n;
    for (const [i, n] of s.coarse) this.coarse[i]! += n;
    this.overflow += s.overflow;
    this.negative += s.negative;
    this.count += s.count;
    this.maxUs = Math.max(this.maxUs, s.maxUs);
  }

  reset(): void {
    this.fine.fill(0);
    this.coarse.fill(0);
    this.overflow = this.negative = this.count = this.maxUs = 0;
  }

  /** The upper edge of the bucket holding the p-th percentile (0 < p ≤ 100), in µs; null when empty. */
  percentileUs(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < FINE_BUCKETS; i++) {
      seen += this.fine[i]!;
      if (seen >= rank) return Math.min(this.maxUs, (i + 1) * FINE_US);
    }
    for (let i = 0; i < COARSE_BUCKETS; i++) {
      seen += this.coarse[i]!;
      if (seen >= rank) return Math.min(this.maxUs, FINE_LIMIT_US + (i + 1) * COARSE_US);
    }
    return this.maxUs;
  }

  snapshot(): HistogramSnapshot {
    return {
      fine: sparse(this.fine),
      coarse: sparse(this.coarse),
      overflow: this.overflow,
      count: this.count,
      maxUs: this.maxUs,
      negative: this.negative,
    };
  }

  summary(): LatencySummary {
    const ms = (us: number | null) => (us === null ? null : round3(us / 1000));
    return {
      count: this.count,
      p50Ms: ms(this.percentileUs(50)),
      p95Ms: ms(this.percentileUs(95)),
      p99Ms: ms(this.percentileUs(99)),
      maxMs: this.count === 0 ? null : round3(this.maxUs / 1000),
    };
  }
}
