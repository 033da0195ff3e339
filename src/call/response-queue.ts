import { Waiters } from '../lib/waiters.js';
import type { ResponsePurpose, ResponseStatus } from './model-port.js';

/**
 * Only one model response may run at a time: a `response.create` while one is active is refused
 * (`conversation_already_has_active_response` in the Realtime API). Pure state machine:
 * idle → requested → active(id) → idle when the response is done, with a small queue of our pending requests.
 * Responses the model starts by itself (turn detection) also count as active.
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
  private state: 'idle' | 'requested' | 'active' = 'idle';
  private activeId: string | undefined;
  private inFlight: ResponseRequest | undefined;
  private readonly queue: ResponseRequest[] = [];
  private readonly purposeOf = new Map<string, ResponsePurpose>();
  private readonly doneWaiters = new Map<ResponsePurpose, Waiters<ResponseStatus>>();

  get activeResponseId(): string | undefined {
    return this.activeId;
  }

  /** True while a response is requested or running. */
  get busy(): boolean {
    return this.state !== 'idle';
  }

  /** Returns the request to send now, or undefined when it was queued (or duplicates a queued one). */
  request(req: ResponseRequest): ResponseRequest | undefined {
    if (this.state === 'idle') return this.send(req);
    if (this.queue.some((q) => q.purpose === req.purpose) || this.queue.length >= MAX_QUEUED) return undefined;
    this.queue.push(req);
    return undefined;
  }

  /** A response started; `purpose` is set when it answers one of our requests. */
  started(responseId: string, purpose: ResponsePurpose | undefined): void {
    const ours = this.state === 'requested' && this.inFlight !== undefined && (purpose === undefined || purpose === this.inFlight.purpose) ? this.inFlight : undefined;
    if (ours) this.purposeOf.set(responseId, ours.purpose);
    else this.dropPreempted();
    this.state = 'active';
    this.activeId = responseId;
  }

  /** The response ended: wakes whoever waits on its purpose; returns the next request to send, if one waits. */
  done(responseId: string, status: ResponseStatus): ResponseRequest | undefined {
    const purpose = this.purposeOf.get(responseId);
    if (purpose !== undefined) {
      this.purposeOf.delete(responseId);
      this.doneWaiters.get(purpose)?.wake(status);
    }
    if (this.activeId !== undefined && responseId !== this.activeId) return undefined;
    this.state = 'idle';
    this.activeId = undefined;
    this.inFlight = undefined;
    const next = this.queue.shift();
    return next ? this.send(next) : undefined;
  }

  /** Our request was refused because another response is active: it goes back to the front. */
  refused(): void {
    if (!this.inFlight) return;
    const req = this.inFlight;
    this.inFlight = undefined;
    if (!req.dropIfPreempted) this.queue.unshift(req);
    if (this.state === 'requested') this.state = this.activeId ? 'active' : 'idle';
  }

  /** The model session is gone: nothing is in flight any more (queued requests wait for the next session). */
  reset(): void {
    const neverStarted = this.state === 'requested' ? this.inFlight : undefined;
    this.state = 'idle';
    this.activeId = undefined;
    if (neverStarted && !neverStarted.dropIfPreempted) this.queue.unshift(neverStarted);
    this.inFlight = undefined;
    this.purposeOf.clear();
  }

  /** Resolves with its status when a response we requested for `purpose` ends. */
  whenDone(purpose: ResponsePurpose): Promise<ResponseStatus> {
    let waiters = this.doneWaiters.get(purpose);
    if (!waiters) this.doneWaiters.set(purpose, (waiters = new Waiters<ResponseStatus>()));
    return waiters.wait();
  }

  private send(req: ResponseRequest): ResponseRequest {
    this.state = 'requested';
    this.inFlight = req;
    return req;
  }

  private dropPreempted(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.dropIfPreempted) this.queue.splice(i, 1);
  }
}
