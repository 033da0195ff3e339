import type { Clock } from '../clock.js';
import { LogBudget } from '../lib/log-budget.js';

/**
 * Media stream sockets that have not sent a valid `start` yet: before it nothing says who they are, so they are
 * capped (a flood of idle sockets cannot exhaust the process) and their warnings are rate-limited.
 */
export class StreamGate {
  private waiting = 0;
  readonly warnings: LogBudget;

  constructor(
    clock: Clock,
    readonly maxWaiting: number,
  ) {
    this.warnings = new LogBudget(clock);
  }

  get waitingForStart(): number {
    return this.waiting;
  }

  /** A socket opened; false when too many already wait for their `start` (refuse it). */
  enter(): boolean {
    if (this.waiting >= this.maxWaiting) return false;
    this.waiting++;
    return true;
  }

  /** The socket started its call, was refused, or closed. */
  leave(): void {
    this.waiting = Math.max(0, this.waiting - 1);
  }
}
