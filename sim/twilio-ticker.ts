import { systemClock, type Clock, type TimerHandle } from '../src/clock.js';

/**
 * One 20 ms heartbeat shared by every simulated call on the same clock, so 500 calls cost one timer instead of 500.
 * Ticks are scheduled against an absolute grid (start + n·interval), so timer lateness never accumulates.
 * Subscribers get the current time and work out for themselves how many frames are due (their own drift correction).
 */
export interface FrameTicker {
  readonly clock: Clock;
  readonly intervalMs: number;
  subscribe(onTick: (now: number) => void): () => void;
}

class GridTicker implements FrameTicker {
  private readonly subscribers = new Set<(now: number) => void>();
  private timer: TimerHandle | undefined;
  private gridStart = 0;
  private ticks = 0;

  constructor(
    readonly clock: Clock,
    readonly intervalMs: number,
  ) {}

  subscribe(onTick: (now: number) => void): () => void {
    this.subscribers.add(onTick);
    if (this.timer === undefined) this.startGrid();
    return () => {
      this.subscribers.delete(onTick);
      if (this.subscribers.size === 0) this.stopGrid();
    };
  }

  private startGrid(): void {
    this.gridStart = this.clock.now();
    this.ticks = 0;
    this.scheduleNext();
  }

  private stopGrid(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleNext(): void {
    const now = this.clock.now();
    this.ticks = Math.max(this.ticks + 1, Math.ceil((now - this.gridStart) / this.intervalMs));
    const due = this.gridStart + this.ticks * this.intervalMs;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, due - now));
  }

  private fire(): void {
    const now = this.clock.now();
    for (const onTick of [...this.subscribers]) onTick(now);
    if (this.subscribers.size > 0) this.scheduleNext();
    else this.timer = undefined;
  }
}

const tickers = new WeakMap<Clock, FrameTicker>();

/** The shared ticker for a clock (created on first use; it runs only while something is subscribed). */
export function tickerFor(clock: Clock = systemClock, intervalMs = 20): FrameTicker {
  const existing = tickers.get(clock);
  if (existing && existing.intervalMs === intervalMs) return existing;
  const ticker = new GridTicker(clock, intervalMs);
  if (!existing) tickers.set(clock, ticker);
  return ticker;
}
