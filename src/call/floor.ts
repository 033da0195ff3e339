import type { Clock } from '../clock.js';
import { Waiters } from '../lib/waiters.js';
import { base64Size } from '../twilio/json-bytes.js';
import { TwilioFrameBuilder } from '../twilio/outbound-frames.js';
import type { CallObserver, TwilioPort } from './call-types.js';
import type { Base64Audio, ResponsePurpose, ResponseStatus } from './model-port.js';
import { PlaybackLedger, type Truncation } from './playback-ledger.js';
import { ResponseQueue, type ResponseRequest } from './response-queue.js';
import { TurnLatency, type TurnSummary } from './turn-latency.js';

/** What a barge-in takes back: the response to cancel (if one runs) and where to cut each queued item. */
export interface Interruption {
  activeResponseId: string | undefined;
  truncations: Truncation[];
}

/**
 * Who has the floor: the agent's audio on its way to the caller (a mark after every chunk, the playback ledger built
 * from their echoes, late audio of interrupted responses dropped), our response requests (one at a time), and the
 * latency of each turn. It sends only to Twilio; what the model must be told comes back as values.
 */
export class Floor {
  private readonly ledger = new PlaybackLedger();
  private readonly discarded = new Set<string>();
  private readonly playedOut = new Waiters();
  private readonly responses = new ResponseQueue();
  private readonly turns: TurnLatency;
  /** Every frame to Twilio is built as bytes, byte for byte what `TwilioEncoder` would write. */
  private readonly frames: TwilioFrameBuilder;
  /** Responses whose audio reached Twilio. */
  private readonly spoken = new Set<string>();
  private lastSpoken: string | undefined;

  constructor(
    private readonly twilio: Pick<TwilioPort, 'send'>,
    streamSid: string,
    clock: Clock,
    observer: CallObserver | undefined,
  ) {
    this.frames = new TwilioFrameBuilder(streamSid);
    this.turns = new TurnLatency(clock, observer);
  }

  /** True while audio is queued at Twilio or playing. */
  get playing(): boolean {
    return this.ledger.hasUnplayedAudio();
  }

  get hasSpoken(): boolean {
    return this.lastSpoken !== undefined;
  }

  /** True while a response is requested or running. */
  get responding(): boolean {
    return this.responses.busy;
  }

  /** Hot path: forwards a chunk of the agent's audio with a mark after it (dropped when its response was interrupted). */
  audio(responseId: string, itemId: string, contentIndex: number, audio: Base64Audio): void {
    if (this.discarded.has(responseId)) return;
    const bytes = base64Size(audio);
    const mark = this.ledger.audioSent(responseId, itemId, contentIndex, bytes);
    this.twilio.send(this.frames.media(asBytes(audio)));
    this.twilio.send(this.frames.mark(mark));
    if (bytes > 0 && responseId !== this.lastSpoken) {
      this.lastSpoken = responseId;
      this.spoken.add(responseId);
      this.turns.audioForwarded(responseId);
    }
  }

  /** The item's audio is complete: a `done` mark echoes once the caller has heard all of it. */
  audioDone(responseId: string, itemId: string, contentIndex: number): void {
    if (this.discarded.has(responseId)) return;
    const mark = this.ledger.audioDone(responseId, itemId, contentIndex);
    if (mark) this.twilio.send(this.frames.mark(mark));
  }

  /** Audio the bridge plays by itself (the hold cue): not the model's, so not in the ledger; `clear` still stops it. */
  cue(base64Audio: string): void {
    this.twilio.send(this.frames.media(asBytes(base64Audio)));
  }

  /** A Twilio mark echoed: the caller heard up to it. True when an item finished playing. */
  markEchoed(name: string): boolean {
    const echo = this.ledger.markEchoed(name);
    if (!this.playing) this.playedOut.wake();
    if (echo.kind === 'played' && echo.firstForItem) this.turns.playoutStarted(echo.item.responseId);
    return echo.kind === 'item-finished';
  }

  callerStopped(lagMs: number): void {
    this.turns.callerStopped(lagMs);
  }

  /** Returns the request to send to the model now, or undefined when it waits its turn. */
  request(req: ResponseRequest): ResponseRequest | undefined {
    const now = this.responses.request(req);
    if (now) this.turns.responseRequested(now.purpose);
    return now;
  }

  responseStarted(responseId: string, purpose: ResponsePurpose | undefined): void {
    this.responses.started(responseId, purpose);
    this.turns.responseStarted(responseId);
  }

  /** The response ended. `next`: the request to send now; `spoke`: its audio reached the caller; `purpose`: ours, if it was. */
  responseDone(responseId: string, status: ResponseStatus): { next: ResponseRequest | undefined; spoke: boolean; purpose: ResponsePurpose | undefined } {
    this.discarded.delete(responseId);
    const spoke = this.spoken.delete(responseId);
    const { next, purpose } = this.responses.done(responseId, status);
    if (next) this.turns.responseRequested(next.purpose);
    return { next, spoke, purpose };
  }

  /** Our request was refused; returns the request to send now, if nothing runs any more. */
  requestRefused(purpose: ResponsePurpose): ResponseRequest | undefined {
    const next = this.responses.refused(purpose);
    if (next) this.turns.responseRequested(next.purpose);
    return next;
  }

  /**
   * Barge-in, Twilio side: snapshot where the caller stopped hearing each item, drop the running response's late
   * audio, retire pending marks, and send `clear` (even when every chunk was already forwarded: Twilio may still be
   * playing it). Undefined when nothing was playing or running.
   */
  interrupt(): Interruption | undefined {
    const activeResponseId = this.responses.activeResponseId;
    if (!this.playing && !activeResponseId) return undefined;
    if (activeResponseId) this.discarded.add(activeResponseId);
    const truncations = this.ledger.interrupt();
    this.twilio.send(this.frames.clear);
    this.playedOut.wake();
    this.turns.bargeIn();
    return { activeResponseId, truncations };
  }

  /** The model session was replaced: what Twilio has keeps playing, but nothing of the old session is truncated or awaited. */
  modelReplaced(): void {
    this.ledger.retireItems();
    this.discarded.clear();
    this.responses.reset();
  }

  /** Resolves once a response we requested for `purpose` ended (a failed one never counts) and the caller heard all of it. */
  async whenHeard(purpose: ResponsePurpose): Promise<void> {
    while ((await this.responses.whenDone(purpose)) === 'failed');
    await this.whenPlayedOut();
  }

  /** Whether the caller heard all of the response for `purpose`: it completed and played out with no barge-in. */
  async heardInFull(purpose: ResponsePurpose): Promise<boolean> {
    let status: ResponseStatus;
    while ((status = await this.responses.whenDone(purpose)) === 'failed');
    const bargeIns = this.turns.summary().bargeIns;
    await this.whenPlayedOut();
    return status === 'completed' && this.turns.summary().bargeIns === bargeIns;
  }

  /** Resolves once everything forwarded so far has played (or was cleared). */
  whenPlayedOut(): Promise<void> {
    return this.playing ? this.playedOut.wait() : Promise.resolve();
  }

  summary(): TurnSummary {
    return this.turns.summary();
  }
}

/** Base64 text is ASCII: as a string, its bytes are its latin1 encoding. */
function asBytes(audio: Base64Audio): Buffer {
  return typeof audio === 'string' ? Buffer.from(audio, 'latin1') : audio;
}
