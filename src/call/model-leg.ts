import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ModelLink } from '../realtime/model-link.js';
import type { CallSetup, CallStatus } from './call-types.js';
import type { CallerAudio } from './caller-audio.js';
import type { Conversation } from './conversation.js';
import { reconnectModel } from './model-recovery.js';
import { PROMPTS } from './spoken-prompts.js';
import type { Transcript } from './transcript.js';
import type { CallObserver } from './turn-timer.js';

export interface ModelLegDeps {
  call: CallStatus;
  conversation: Pick<Conversation, 'attach' | 'detach' | 'handleModelText' | 'requestResponse' | 'responding' | 'maybeCallerTurn'>;
  callerAudio: CallerAudio;
  transcript: Transcript;
  clock: Clock;
  log: Logger;
  observer: CallObserver | undefined;
  /** Replace the model session proactively after this long, at a turn boundary. */
  recycleAfterMs: number | undefined;
}

/**
 * The call's model session over time: attaches it to the conversation and the caller's audio,
 * reconnects with the call so far when it drops or expires, and recycles it before the 60-minute limit.
 */
export class ModelLeg {
  private setup: CallSetup | undefined;
  private link: ModelLink | undefined;
  private sessionExpired = false;
  private recycleDue = false;
  private recycleTimer: TimerHandle | undefined;

  constructor(private readonly deps: ModelLegDeps) {}

  /** The first model session is ready. */
  start(setup: CallSetup): void {
    this.setup = setup;
    this.attach(setup.link);
    const { recycleAfterMs, clock } = this.deps;
    if (recycleAfterMs) this.recycleTimer = clock.setTimeout(() => this.recycleWhenIdle(), recycleAfterMs);
  }

  /** The model said its session expired: the close that follows is expected. */
  expired(): void {
    this.sessionExpired = true;
  }

  /** A turn boundary (nobody talks, nothing runs): the moment for a due recycle. */
  atTurnBoundary(): void {
    if (this.recycleDue) void this.recycle();
  }

  /** The call ended. */
  close(): void {
    this.deps.clock.clearTimeout(this.recycleTimer);
    this.link?.close(1000, 'call ended');
  }

  private attach(link: ModelLink): void {
    const { conversation, callerAudio } = this.deps;
    this.link = link;
    conversation.attach(link, this.setup?.profile.tools);
    link.attach({
      onMessage: (text) => conversation.handleModelText(text),
      onClose: (code, reason) => {
        if (this.link === link) void this.lost(code, reason);
      },
    });
    callerAudio.connect((text) => link.send(text));
    this.deps.log.info({ droppedFrames: callerAudio.droppedFrames }, 'model session attached');
  }

  private detach(): void {
    this.link = undefined;
    this.sessionExpired = false;
    this.deps.conversation.detach();
    this.deps.callerAudio.disconnect();
  }

  /** The model socket closed under the call: reconnect with the call so far, or apologise and end. */
  private async lost(code: number, reason: string): Promise<void> {
    const { call, conversation } = this.deps;
    if (call.ended) return;
    this.deps.log.warn({ code, reason, expired: this.sessionExpired }, 'model socket closed');
    const callerWaiting = conversation.responding || this.deps.transcript.all().at(-1)?.role === 'caller';
    this.detach();
    const link = this.setup?.reopen && code !== 4000 ? await this.reopen(this.setup.reopen) : undefined;
    if (call.ended) {
      link?.close(1000, 'call ended');
      return;
    }
    if (!link) {
      await call.end('model-closed', { apology: true });
      return;
    }
    this.deps.observer?.modelReconnected?.();
    this.attach(link);
    if (callerWaiting || call.closing) conversation.requestResponse({ purpose: 'resume', response: { instructions: PROMPTS.resume } });
  }

  private reopen(reopen: NonNullable<CallSetup['reopen']>): Promise<ModelLink | undefined> {
    const { call, clock, log, transcript } = this.deps;
    const restore = { transcript: transcript.compact(), cartSnapshot: this.setup?.profile.tools?.cartSnapshot?.() };
    return reconnectModel({ open: () => reopen(restore), clock, logger: log, cancelled: () => call.ended });
  }

  private recycleWhenIdle(): void {
    this.recycleDue = true;
    this.deps.conversation.maybeCallerTurn();
  }

  /** Proactive replacement before the 60-minute limit, at a turn boundary. */
  private async recycle(): Promise<void> {
    this.recycleDue = false;
    const old = this.link;
    if (!old || !this.setup?.reopen) return;
    this.deps.log.info('recycling the model session before it expires');
    const link = await this.reopen(this.setup.reopen);
    if (!link || this.deps.call.ended) return link?.close(1000, 'call ended');
    this.detach();
    old.close(1000, 'recycled');
    this.attach(link);
  }
}
