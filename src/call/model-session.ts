import type { Clock } from '../clock.js';
import { sleep } from '../lib/timing.js';
import type { Logger } from '../logger.js';
import { cartNote } from './call-policy.js';
import type { CallObserver, CallSetup } from './call-types.js';
import type { Conversation } from './conversation.js';
import type { ModelPort, ModelPortEvent } from './model-port.js';

/** Backoff between reconnect attempts: about a second in all, so the caller barely notices. */
export const RECONNECT_DELAYS_MS = [0, 250, 750];

export interface ModelSessionOptions {
  conversation: Conversation;
  clock: Clock;
  log: Logger;
  /** Aborts when the call ends: no replacement is opened after that. */
  signal: AbortSignal;
  /** Where the events of the session in use go. */
  listener: (event: ModelPortEvent) => void;
  observer?: CallObserver | undefined;
  delaysMs?: readonly number[];
}

/**
 * The call's model session over time: the first one, and replacements (after a drop, or a recycle before the
 * session limit) opened with backoff, one at a time, each briefed with the call so far before it speaks.
 */
export class ModelSession {
  private setup: CallSetup | undefined;
  private replacing: Promise<boolean> | undefined;

  constructor(private readonly opts: ModelSessionOptions) {}

  start(setup: CallSetup): void {
    this.setup = setup;
    this.attach(setup.port);
    this.opts.conversation.brief(setup.profile.contextNote);
  }

  /**
   * Moves the conversation to a new session. `lost`: the one in use is gone already; `recycle`: it keeps talking
   * until the new one is ready, then closes. A drop during a recycle joins it: one new session, never two.
   * Resolves false when none could be opened (or the call ended).
   */
  replace(why: 'lost' | 'recycle'): Promise<boolean> {
    return (this.replacing ??= this.open(why).finally(() => (this.replacing = undefined)));
  }

  private async open(why: 'lost' | 'recycle'): Promise<boolean> {
    const { conversation, log, signal } = this.opts;
    const setup = this.setup;
    if (!setup?.reconnect) return false;
    if (why === 'recycle') log.info('recycling the model session before it expires');
    const port = await this.reconnect(setup.reconnect);
    if (!port) return false;
    if (signal.aborted) {
      port.close();
      return false;
    }
    conversation.drop()?.close('recycled');
    this.attach(port);
    const ordering = setup.profile.ordering;
    conversation.brief(setup.profile.contextNote, ordering && cartNote(ordering.cartSnapshot()));
    return true;
  }

  private attach(port: ModelPort): void {
    this.opts.conversation.use(port, this.opts.listener);
    this.opts.log.info({ droppedFrames: this.opts.conversation.droppedFrames }, 'model session attached');
  }

  /** Stops early on a fatal error (the opener's error has `fatal: true`: bad key, no quota…) and once the call ended. */
  private async reconnect(open: () => Promise<ModelPort>): Promise<ModelPort | undefined> {
    const { clock, log, signal } = this.opts;
    const delays = this.opts.delaysMs ?? RECONNECT_DELAYS_MS;
    for (let attempt = 0; attempt < delays.length; attempt++) {
      if (delays[attempt]! > 0 && !(await sleep(clock, delays[attempt]!, signal))) return undefined;
      if (signal.aborted) return undefined;
      try {
        const port = await open();
        log.info({ attempt: attempt + 1 }, 'model session reconnected');
        return port;
      } catch (err) {
        const { fatal, code } = err as { fatal?: unknown; code?: unknown };
        log.warn({ attempt: attempt + 1, err: (err as Error).message, fatal }, 'model reconnect attempt failed');
        if (code === 'timeout') this.opts.observer?.modelUnresponsive?.('handshake');
        if (fatal === true) return undefined;
      }
    }
    return undefined;
  }
}
