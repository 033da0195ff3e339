import type { RealtimeFunctionTool } from 'openai/resources/realtime/realtime';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';

/** What the session needs from a tool set: definitions for the model and a runner that never throws. */
export interface ToolRunner {
  readonly definitions: RealtimeFunctionTool[];
  run(name: string, argumentsJson: string, signal: AbortSignal): Promise<object>;
}

export interface ToolCallPorts {
  sendOutput(callId: string, output: string): void;
  /** Every call of the response has answered: ask for one follow-up response. */
  requestFollowUp(): void;
  logger: Logger;
  timeoutMs: number;
  onToolStarted?(name: string): void;
  onToolFinished?(name: string, outcome: 'ok' | 'rejected' | 'error' | 'timeout', ms: number): void;
  clock: Clock;
}

interface ResponseCalls {
  pending: number;
  done: boolean;
  ran: number;
}

/**
 * The GA function-call flow (protocols §B6.4): run a tool only once its call is complete, answer
 * with one `function_call_output` (JSON encoded once), and ask for a single follow-up response
 * after the response is done and every call of it has answered.
 */
export class ToolCalls {
  private readonly byResponse = new Map<string, ResponseCalls>();
  private readonly aborts = new Set<AbortController>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly tools: ToolRunner,
    private readonly ports: ToolCallPorts,
  ) {}

  /** A completed `function_call` output item. */
  callCompleted(responseId: string, callId: string, name: string, argumentsJson: string): void {
    const entry = this.entry(responseId);
    entry.pending++;
    entry.ran++;
    void this.runOne(responseId, callId, name, argumentsJson);
  }

  /** `response.done`: calls from a cancelled or failed response never ran (only completed items are run). */
  responseDone(responseId: string): void {
    const entry = this.byResponse.get(responseId);
    if (!entry) return;
    entry.done = true;
    this.maybeFollowUp(responseId, entry);
  }

  get running(): boolean {
    return this.aborts.size > 0;
  }

  /** Resolves when no tool is running. */
  whenIdle(): Promise<void> {
    if (this.aborts.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  abortAll(): void {
    for (const c of this.aborts) c.abort();
  }

  private async runOne(responseId: string, callId: string, name: string, argumentsJson: string): Promise<void> {
    const { ports } = this;
    const controller = new AbortController();
    this.aborts.add(controller);
    ports.onToolStarted?.(name);
    const started = ports.clock.now();
    let timer: TimerHandle | undefined;
    let outcome: 'ok' | 'rejected' | 'error' | 'timeout' = 'ok';
    let output: object;
    try {
      const timeout = new Promise<object>((resolve) => {
        timer = ports.clock.setTimeout(() => {
          outcome = 'timeout';
          controller.abort();
          resolve({ ok: false, error: 'timeout', message: `The ${name} tool took too long. Apologise and try again once.` });
        }, ports.timeoutMs);
      });
      output = await Promise.race([this.tools.run(name, argumentsJson, controller.signal), timeout]);
      if (outcome === 'ok' && (output as { ok?: unknown }).ok === false) outcome = 'rejected';
    } catch (err) {
      outcome = 'error';
      ports.logger.error({ tool: name, err: (err as Error).message }, 'tool failed');
      output = { ok: false, error: 'internal_error', message: 'Something went wrong on our side. Apologise briefly.' };
    } finally {
      ports.clock.clearTimeout(timer);
      this.aborts.delete(controller);
    }
    if (this.aborts.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    const ms = ports.clock.now() - started;
    ports.onToolFinished?.(name, outcome, ms);
    ports.logger.info({ tool: name, outcome, ms: Math.round(ms) }, 'tool call');
    ports.sendOutput(callId, JSON.stringify(output));
    const entry = this.byResponse.get(responseId);
    if (!entry) return;
    entry.pending--;
    this.maybeFollowUp(responseId, entry);
  }

  private maybeFollowUp(responseId: string, entry: ResponseCalls): void {
    if (!entry.done || entry.pending > 0) return;
    this.byResponse.delete(responseId);
    if (entry.ran > 0) this.ports.requestFollowUp();
  }

  private entry(responseId: string): ResponseCalls {
    let e = this.byResponse.get(responseId);
    if (!e) {
      e = { pending: 0, done: false, ran: 0 };
      this.byResponse.set(responseId, e);
    }
    return e;
  }
}
