import type { CallSession } from '../call/call-session.js';

/** The calls this process carries right now (per replica; nothing here is shared between replicas). */
export class CallRegistry {
  private readonly calls = new Map<string, CallSession>();
  private readonly emptyWaiters = new Set<() => void>();

  get size(): number {
    return this.calls.size;
  }

  add(session: CallSession): void {
    this.calls.set(session.context.callSid, session);
  }

  remove(session: CallSession): void {
    if (this.calls.get(session.context.callSid) === session) this.calls.delete(session.context.callSid);
    if (this.calls.size === 0) for (const w of [...this.emptyWaiters]) w();
  }

  countForOrg(orgId: string): number {
    let n = 0;
    for (const s of this.calls.values()) if (s.context.orgId === orgId) n++;
    return n;
  }

  all(): CallSession[] {
    return [...this.calls.values()];
  }

  /** Resolves when no call is left. */
  whenEmpty(): Promise<void> {
    if (this.calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.emptyWaiters.delete(done);
        resolve();
      };
      this.emptyWaiters.add(done);
    });
  }
}
