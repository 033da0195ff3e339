import type { Clock } from '../clock.js';
import type { LiveCalls } from './admission.js';

/**
 * What the replicas of the bridge must agree on about calls: whether a call's one media stream was used, and how
 * many calls are live (in all, and per org, for the caps). In-process today (`InProcessCallLedger`): each replica
 * knows only its own streams and calls, so a replayed token that lands on another replica is not caught there and
 * the caps count per replica. A store the replicas share can implement this interface when they need to agree.
 */
export interface CallLedger extends LiveCalls {
  /** Marks the call's stream as used; false when one already was (a second stream, a replayed token). */
  claimStream(callSid: string): boolean;
  /** Whether a stream was ever used for this call (a replayed webhook). */
  streamUsed(callSid: string): boolean;
}

/** How long a used stream is remembered (longer than any call) and how many at most (oldest forgotten first). */
export const REMEMBER_STREAMS_MS = 6 * 60 * 60_000;
export const MAX_REMEMBERED_STREAMS = 100_000;

export class InProcessCallLedger implements CallLedger {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly calls: LiveCalls,
    private readonly clock: Clock,
    private readonly rememberMs = REMEMBER_STREAMS_MS,
    private readonly maxRemembered = MAX_REMEMBERED_STREAMS,
  ) {}

  get size(): number {
    return this.calls.size;
  }

  countForOrg(orgId: string): number {
    return this.calls.countForOrg(orgId);
  }

  claimStream(callSid: string): boolean {
    if (this.streamUsed(callSid)) return false;
    this.used.set(callSid, this.clock.now() + this.rememberMs);
    this.forgetOld();
    return true;
  }

  streamUsed(callSid: string): boolean {
    const until = this.used.get(callSid);
    return until !== undefined && until > this.clock.now();
  }

  private forgetOld(): void {
    const now = this.clock.now();
    for (const [callSid, until] of this.used) {
      if (until > now && this.used.size <= this.maxRemembered) break;
      this.used.delete(callSid);
    }
  }
}
