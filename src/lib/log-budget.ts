import type { Clock } from '../clock.js';

/**
 * At most `perWindow` log lines of one kind per window; the rest are counted, and the count is handed to the next
 * line allowed. For warnings anyone on the internet can trigger (sockets that never start a stream).
 */
export class LogBudget {
  private windowEnds = -Infinity;
  private used = 0;
  private suppressed = 0;

  constructor(
    private readonly clock: Clock,
    private readonly perWindow = 20,
    private readonly windowMs = 10_000,
  ) {}

  /** Whether a line may be logged now; `suppressed` is how many were dropped since the last allowed one. */
  take(): { allowed: boolean; suppressed: number } {
    const now = this.clock.now();
    if (now >= this.windowEnds) {
      this.windowEnds = now + this.windowMs;
      this.used = 0;
    }
    if (this.used >= this.perWindow) {
      this.suppressed++;
      return { allowed: false, suppressed: 0 };
    }
    this.used++;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { allowed: true, suppressed };
  }
}
