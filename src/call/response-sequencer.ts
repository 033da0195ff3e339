/**
 * Only one model response may be in flight (protocols §B7, field notes 12–13). Pure state machine:
 * idle → requested → active(id) → idle on response.done, with a small queue of pending creates.
 * Responses the server starts by itself (server VAD) also count as active.
 */

export interface ResponseRequest {
  /** A label for logs and de-duplication (e.g. "greeting", "tool-followup"). */
  readonly purpose: string;
  /** The `response` object of `response.create`, if any. */
  readonly response?: Record<string, unknown>;
  /** Drop this request if another response starts before it is sent (e.g. the greeting when the caller spoke first). */
  readonly dropIfPreempted?: boolean;
}

const MAX_QUEUED = 4;

export class ResponseSequencer {
  private state: 'idle' | 'requested' | 'active' = 'idle';
  private activeId: string | undefined;
  private inFlight: ResponseRequest | undefined;
  private readonly queue: ResponseRequest[] = [];

  get activeResponseId(): string | undefined {
    return this.activeId;
  }

  /** True while a response is requested or running. */
  get busy(): boolean {
    return this.state !== 'idle';
  }

  /** Returns the request to send now, or undefined when it was queued (or is a duplicate of a queued one). */
  request(req: ResponseRequest): ResponseRequest | undefined {
    if (this.state === 'idle') return this.send(req);
    if (this.queue.some((q) => q.purpose === req.purpose) || this.queue.length >= MAX_QUEUED) return undefined;
    this.queue.push(req);
    return undefined;
  }

  /** Returns the request this response answers, when it was ours (undefined for one the server started). */
  responseCreated(id: string): ResponseRequest | undefined {
    const ours = this.state === 'requested' ? this.inFlight : undefined;
    if (!ours) this.dropPreempted();
    this.state = 'active';
    this.activeId = id;
    return ours;
  }

  /** Returns the next request to send, if one is waiting. */
  responseDone(id: string): ResponseRequest | undefined {
    if (this.activeId !== undefined && id !== this.activeId) return undefined;
    this.state = 'idle';
    this.activeId = undefined;
    this.inFlight = undefined;
    const next = this.queue.shift();
    return next ? this.send(next) : undefined;
  }

  /**
   * The server refused our create because another response is active
   * (`conversation_already_has_active_response`): put ours back at the front.
   */
  createRejected(): void {
    if (!this.inFlight) return;
    const req = this.inFlight;
    this.inFlight = undefined;
    if (!req.dropIfPreempted) this.queue.unshift(req);
    if (this.state === 'requested') this.state = this.activeId ? 'active' : 'idle';
  }

  /** The model leg is gone: forget everything in flight (queued requests are kept for a new leg). */
  reset(): void {
    const neverStarted = this.state === 'requested' ? this.inFlight : undefined;
    this.state = 'idle';
    this.activeId = undefined;
    if (neverStarted && !neverStarted.dropIfPreempted) this.queue.unshift(neverStarted);
    this.inFlight = undefined;
  }

  /** After reset, the request to send first on a new leg. */
  resume(): ResponseRequest | undefined {
    if (this.state !== 'idle') return undefined;
    const next = this.queue.shift();
    return next ? this.send(next) : undefined;
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
