import { ResponseSequencer, type ResponseRequest } from './response-sequencer.js';
import type { TurnTimer } from './turn-timer.js';

/**
 * Our `response.create` requests on the current model leg: one at a time (ResponseSequencer),
 * each with a purpose whose completion can be awaited (e.g. "the goodbye is done").
 */
export class ModelResponses {
  private readonly sequencer = new ResponseSequencer();
  private readonly purposeById = new Map<string, string>();
  private readonly doneWaiters = new Map<string, Array<() => void>>();

  constructor(
    private readonly sendEvent: (event: object) => void,
    private readonly turns: TurnTimer,
  ) {}

  /** True while a response is requested or running. */
  get busy(): boolean {
    return this.sequencer.busy;
  }

  get activeResponseId(): string | undefined {
    return this.sequencer.activeResponseId;
  }

  request(req: ResponseRequest): void {
    const now = this.sequencer.request(req);
    if (now) this.send(now);
  }

  /** `response.created`, ours or one the server started. */
  created(responseId: string): void {
    const ours = this.sequencer.responseCreated(responseId);
    if (ours) this.purposeById.set(responseId, ours.purpose);
  }

  /** `response.done`: wakes whoever waits on its purpose and sends the next queued request. */
  done(responseId: string): void {
    const purpose = this.purposeById.get(responseId);
    if (purpose !== undefined) {
      this.purposeById.delete(responseId);
      for (const w of this.doneWaiters.get(purpose)?.splice(0) ?? []) w();
    }
    const next = this.sequencer.responseDone(responseId);
    if (next) this.send(next);
  }

  /** The server refused our create because another response is active. */
  rejected(): void {
    this.sequencer.createRejected();
  }

  /** The model leg is gone: nothing is in flight any more (queued requests wait for the next leg). */
  reset(): void {
    this.sequencer.reset();
    this.purposeById.clear();
  }

  /** Resolves when a response we requested for `purpose` is done. */
  whenDone(purpose: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.doneWaiters.get(purpose) ?? [];
      list.push(resolve);
      this.doneWaiters.set(purpose, list);
    });
  }

  private send(req: ResponseRequest): void {
    this.turns.responseRequested(req.purpose);
    this.sendEvent(req.response ? { type: 'response.create', response: req.response } : { type: 'response.create' });
  }
}
