import type { Clock } from '../clock.js';
import { withDeadline } from '../lib/timing.js';
import { Waiters } from '../lib/waiters.js';
import type { Logger } from '../logger.js';
import type { CallAction, ToolBox, ToolOutcome } from './call-types.js';

export type ToolResultKind = 'ok' | 'rejected' | 'error' | 'timeout';

/** A response's tool calls have all answered and the response is done: what comes next. */
export interface RoundEnd {
  /** Ask the model for one follow-up response (tools ran and no call action ends the turn). */
  followUp: boolean;
  /** The first call action a tool accepted: it replaces the follow-up. */
  action: CallAction | undefined;
  /** The response's audio reached the caller (a goodbye was said with the action). */
  spoke: boolean;
}

export interface FinishedTool {
  responseId: string;
  callId: string;
  name: string;
  /** JSON, encoded once. */
  output: string;
  result: ToolResultKind;
  ms: number;
  /** Set when this was the last answer the response waited for. */
  roundEnd: RoundEnd | undefined;
}

interface Round {
  pending: number;
  done: boolean;
  ran: number;
  action: CallAction | undefined;
  spoke: boolean;
}

/**
 * Tool calls of each response: run a call only once it is complete, answer it with one output, and end the
 * round (one follow-up, or the call action) after the response is done and every call of it has answered.
 */
export class ToolRound {
  private readonly rounds = new Map<string, Round>();
  private readonly aborts = new Set<AbortController>();
  private readonly idle = new Waiters();

  constructor(
    private readonly box: ToolBox,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  get running(): boolean {
    return this.aborts.size > 0;
  }

  /** Runs a complete tool call; resolves when its output is ready. */
  async run(responseId: string, callId: string, name: string, argumentsJson: string): Promise<FinishedTool> {
    const round = this.round(responseId);
    round.pending++;
    round.ran++;
    const controller = new AbortController();
    this.aborts.add(controller);
    const started = this.clock.now();
    const { outcome, result } = await this.execute(name, argumentsJson, controller);
    this.aborts.delete(controller);
    if (this.aborts.size === 0) this.idle.wake();
    const ms = this.clock.now() - started;
    this.log.info({ tool: name, outcome: result, ms: Math.round(ms) }, 'tool call');
    round.action ??= outcome.action;
    round.pending--;
    return { responseId, callId, name, output: JSON.stringify(outcome.output), result, ms, roundEnd: this.endIfComplete(responseId, round) };
  }

  /** The response is done: calls from a cancelled or failed response never ran (only completed ones are run). */
  responseDone(responseId: string, spoke: boolean): RoundEnd | undefined {
    const round = this.rounds.get(responseId);
    if (!round) return undefined;
    round.done = true;
    round.spoke = spoke;
    return this.endIfComplete(responseId, round);
  }

  /** Resolves when no tool is running. */
  whenIdle(): Promise<void> {
    return this.aborts.size === 0 ? Promise.resolve() : this.idle.wait();
  }

  abortAll(): void {
    for (const c of this.aborts) c.abort();
  }

  /** The model session was replaced: rounds of its responses will never end there. */
  forgetRounds(): void {
    this.rounds.clear();
  }

  private async execute(name: string, argumentsJson: string, controller: AbortController): Promise<{ outcome: ToolOutcome; result: ToolResultKind }> {
    const timedOut = { output: { ok: false, error: 'timeout', message: `The ${name} tool took too long. Apologise and try again once.` } };
    try {
      const outcome = await withDeadline(this.clock, this.box.run(name, argumentsJson, controller.signal), this.timeoutMs, () => {
        controller.abort();
        return timedOut;
      });
      if (outcome === timedOut) return { outcome, result: 'timeout' };
      return { outcome, result: (outcome.output as { ok?: unknown }).ok === false ? 'rejected' : 'ok' };
    } catch (err) {
      this.log.error({ tool: name, err: (err as Error).message }, 'tool failed');
      return { outcome: { output: { ok: false, error: 'internal_error', message: 'Something went wrong on our side. Apologise briefly.' } }, result: 'error' };
    }
  }

  private endIfComplete(responseId: string, round: Round): RoundEnd | undefined {
    if (!round.done || round.pending > 0 || this.rounds.get(responseId) !== round) return undefined;
    this.rounds.delete(responseId);
    return { followUp: round.ran > 0 && round.action === undefined, action: round.action, spoke: round.spoke };
  }

  private round(responseId: string): Round {
    let round = this.rounds.get(responseId);
    if (!round) this.rounds.set(responseId, (round = { pending: 0, done: false, ran: 0, action: undefined, spoke: false }));
    return round;
  }
}
