import { Waiters } from '../lib/waiters.js';
import type { ResponsePurpose, ResponseStatus } from './model-port.js';

/**
 * Only one model response may run at a time: a `response.create` while one is active is refused
 * (`conversation_already_has_active_response` in the Realtime API). Pure state machine: our request in flight,
 * the response running (ours or one the model started by itself on turn detection), and a small queue.
 */
export interface ResponseRequest {
  readonly purpose: ResponsePurpose;
  /** What the bridge wants said at this moment (a note for the model). */
  readonly prompt?: string | undefined;
  /** Drop this request if another response starts before it is sent (the greeting when the caller spoke first). */
  readonly dropIfPreempted?: boolean;
}

const MAX_QUEUED = 4;

export class ResponseQueue {
  /** The response running now, ours or the model's own. */
  private activeId: string | undefined;
  /** Our request sent and neither started nor refused yet. */
  private inFlight: ResponseRequest | undefined;
  private readonly queue: ResponseRequest[] = [];
  private readonly purposeOf = new Map<string, ResponsePurpose>();
  private readonly doneWaiters = new Map<ResponsePurpose, Waiters<ResponseStatus>>();

  get activeResponseId(): string | undefined {
    return this.activeId;
  }

  /** True while a response is requested or running. */
  get busy(): boolean {
    return this.activeId !== undefined || this.inFlight !== undefined;
  }

  /** Returns the request to send now, or undefined when it was queued (or duplicates a queued one). */
  request(req: ResponseRequest): ResponseRequest | undefined {
    if (!this.busy) return (this.inFlight = req);
    if (this.queue.some((q) => q.purpose === req.purpose) || this.queue.length >= MAX_QUEUED) return undefined;
    this.queue.push(req);
    return undefined;
  }

  /**
   * A response started. It answers our request only when it carries that request's purpose: a response the model
   * started by itself in between (turn detection) is never taken for ours, and ours will be refused.
   */
  started(responseId: string, purpose: ResponsePurpose | undefined): void {
    if (purpose !== undefined && this.inFlight?.purpose === purpose) {
      this.purposeOf.set(responseId, purpose);
      this.inFlight = undefined;
    } else {
      this.dropPreempted();
    }
    this.activeId = responseId;
  }

  /** The response ended: wakes whoever waits on its purpose (set when it was ours); `next` is the request to send now. */
  done(responseId: string, status: ResponseStatus): { purpose: ResponsePurpose | undefined; next: ResponseRequest | undefined } {
    const purpose = this.purposeOf.get(responseId);
    if (purpose !== undefined) {
      this.purposeOf.delete(responseId);
      this.doneWaiters.get(purpose)?.wake(status);
    }
    if (this.activeId !== undefined && responseId !== this.activeId) return { purpose, next: undefined };
    this.activeId = undefined;
    return { purpose, next: this.inFlight ? undefined : this.next() };
  }

  /** Our request for `purpose` was refused because another response was active: it goes back to the front. */
  refused(purpose: ResponsePurpose): ResponseRequest | undefined {
    if (this.inFlight?.purpose !== purpose) return undefined;
    const req = this.inFlight;
    this.inFlight = undefined;
    if (!req.dropIfPreempted) this.queue.unshift(req);
    return this.activeId ? undefined : this.next();
  }

  /** The model session is gone: nothing is in flight any more (queued requests wait for the next session). */
  reset(): void {
    if (this.inFlight && !this.inFlight.dropIfPreempted) this.queue.unshift(this.inFlight);
    this.inFlight = undefined;
    this.activeId = undefined;
    this.purposeOf.clear();
  }

  /** Resolves with its status when a response we requested for `purpose` ends. */
  whenDone(purpose: ResponsePurpose): Promise<ResponseStatus> {
    let waiters = this.doneWaiters.get(purpose);
    if (!waiters) this.doneWaiters.set(purpose, (waiters = new Waiters<ResponseStatus>()));
    return waiters.wait();
  }

  private next(): ResponseRequest | undefined {
    const next = this.queue.shift();
    if (next) this.inFlight = next;
    return next;
  }

  private dropPreempted(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.dropIfPreempted) this.queue.splice(i, 1);
  }
}
