import type { Logger } from '../logger.js';
import type { CallRecordBody } from '../main-app/call-record.js';
import type { OrderBacklog } from '../ops/drain.js';

/** Where call records go: the app's call-record route through the durable outbox (`createCallRecordSender`). */
export interface CallRecordSink extends OrderBacklog {
  /** Stores the record before the first attempt; never rejects. */
  send(body: CallRecordBody): Promise<unknown>;
}

/**
 * One record per call, handed to the sink once it is complete (the summary can take a few seconds after the call).
 * As a backlog it counts records still being written, so a drain waits for them before flushing the outbox.
 */
export class CallRecords implements OrderBacklog {
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly sink: CallRecordSink,
    private readonly log: Logger,
  ) {}

  /** Sends the record `build` resolves to (undefined: none is sent). Never rejects. */
  add(build: Promise<CallRecordBody | undefined>): void {
    const writing: Promise<void> = build
      .then((body) => (body ? this.sink.send(body) : undefined))
      .then(
        () => undefined,
        (err: Error) => void this.log.error({ err: err.message }, 'the call record could not be built; none is sent'),
      )
      .finally(() => this.writing.delete(writing));
    this.writing.add(writing);
  }

  pendingCount(): number {
    return this.writing.size + this.sink.pendingCount();
  }

  async flush(): Promise<number> {
    await Promise.all(this.writing);
    return this.sink.flush();
  }
}
