import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ModelLink } from './model-link.js';

interface Warm {
  link: Promise<ModelLink>;
  timer: TimerHandle;
}

/**
 * Model sessions opened while the phone still rings (opening one costs a few hundred ms of the greeting), keyed by CallSid and handed
 * to the call when its stream starts. One not claimed within the TTL is closed (no cost: tokens
 * are billed per response, and none is created before the call claims it).
 */
export class PrewarmPool {
  private readonly warm = new Map<string, Warm>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs = 10_000,
  ) {}

  get size(): number {
    return this.warm.size;
  }

  has(callSid: string): boolean {
    return this.warm.has(callSid);
  }

  /** Starts opening a link for this call (a second warm-up for the same call is ignored). */
  add(callSid: string, open: () => Promise<ModelLink>): void {
    if (this.warm.has(callSid)) return;
    const link = open();
    // A failed warm-up just means the call connects cold.
    link.catch((err: Error) => {
      if (this.warm.get(callSid)?.link === link) this.drop(callSid);
      this.logger.warn({ callSid, err: err.message }, 'pre-warm of the model session failed; the call will connect at start');
    });
    const timer = this.clock.setTimeout(() => this.expire(callSid), this.ttlMs);
    this.warm.set(callSid, { link, timer });
  }

  /** Takes the warm link for this call, if one is waiting. */
  claim(callSid: string): Promise<ModelLink> | undefined {
    const entry = this.warm.get(callSid);
    if (!entry) return undefined;
    this.drop(callSid);
    return entry.link;
  }

  closeAll(): void {
    for (const callSid of [...this.warm.keys()]) this.expire(callSid);
  }

  private expire(callSid: string): void {
    const entry = this.warm.get(callSid);
    if (!entry) return;
    this.drop(callSid);
    this.logger.info({ callSid }, 'closing an unclaimed pre-warmed model session');
    entry.link.then((l) => l.close(1000, 'not claimed'), () => undefined);
  }

  private drop(callSid: string): void {
    const entry = this.warm.get(callSid);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.warm.delete(callSid);
  }
}
