import type { Call } from '../call/call.js';
import { Waiters } from '../lib/waiters.js';

/** The calls this process carries right now (per replica; nothing here is shared between replicas). */
export class CallRegistry {
  private readonly calls = new Map<string, Call>();
  private readonly empty = new Waiters();

  get size(): number {
    return this.calls.size;
  }

  add(call: Call): void {
    this.calls.set(call.context.callSid, call);
  }

  remove(call: Call): void {
    if (this.calls.get(call.context.callSid) === call) this.calls.delete(call.context.callSid);
    if (this.calls.size === 0) this.empty.wake();
  }

  /** The live call with this callSid, if this process carries it. */
  get(callSid: string): Call | undefined {
    return this.calls.get(callSid);
  }

  countForOrg(orgId: string): number {
    let n = 0;
    for (const call of this.calls.values()) if (call.context.orgId === orgId) n++;
    return n;
  }

  all(): Call[] {
    return [...this.calls.values()];
  }

  /** Resolves when no call is left. */
  whenEmpty(): Promise<void> {
    return this.calls.size === 0 ? Promise.resolve() : this.empty.wait();
  }
}
