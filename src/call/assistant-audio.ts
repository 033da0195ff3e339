import { base64ByteLength } from '../audio.js';
import type { TwilioEncoder } from '../twilio/messages.js';
import { PlaybackLedger, type MarkEcho, type Truncation } from './playback-ledger.js';

/**
 * Model → caller audio: forwards each delta to Twilio with a mark after it, keeps the playback
 * ledger, drops late deltas of interrupted responses, and runs the clear side of a barge-in.
 */
export class AssistantAudio {
  private readonly ledger = new PlaybackLedger();
  private readonly discarded = new Set<string>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sendToTwilio: (text: string) => void,
    private readonly encoder: TwilioEncoder,
  ) {}

  /** Forwards a delta; returns its byte count, or 0 when the response was interrupted. */
  delta(responseId: string, itemId: string, contentIndex: number, base64Audio: string): number {
    if (this.discarded.has(responseId)) return 0;
    const bytes = base64ByteLength(base64Audio);
    const mark = this.ledger.audioSent(responseId, itemId, contentIndex, bytes);
    this.sendToTwilio(this.encoder.media(base64Audio));
    this.sendToTwilio(this.encoder.mark(mark));
    return bytes;
  }

  /** Audio the bridge plays by itself (the hold cue): not model output, so it is not in the ledger; `clear` still stops it. */
  cue(base64Audio: string): void {
    this.sendToTwilio(this.encoder.media(base64Audio));
  }

  /** The item's audio is complete: a `done` mark echoes once the caller has heard all of it. */
  audioDone(responseId: string, itemId: string, contentIndex: number): void {
    if (this.discarded.has(responseId)) return;
    const mark = this.ledger.audioDone(responseId, itemId, contentIndex);
    if (mark) this.sendToTwilio(this.encoder.mark(mark));
  }

  markEchoed(name: string): MarkEcho {
    const echo = this.ledger.markEchoed(name);
    if (!this.ledger.hasUnplayedAudio()) this.notifyIdle();
    return echo;
  }

  responseFinished(responseId: string): void {
    this.discarded.delete(responseId);
  }

  /** True while audio is queued at Twilio or playing. */
  get playing(): boolean {
    return this.ledger.hasUnplayedAudio();
  }

  /**
   * Barge-in, Twilio side (field note 2, steps a–d): snapshot the truncation points, discard the
   * active response's late deltas, retire pending marks, and send `clear` — even when every
   * delta was already forwarded (field note 3).
   */
  interrupt(activeResponseId: string | undefined): Truncation[] {
    if (activeResponseId) this.discarded.add(activeResponseId);
    const truncations = this.ledger.interrupt();
    this.sendToTwilio(this.encoder.clear);
    this.notifyIdle();
    return truncations;
  }

  /** The model session was replaced: keep playing what Twilio has, but never truncate its items on the new one. */
  forgetModelItems(): void {
    this.ledger.retireItems();
    this.discarded.clear();
  }

  /** Resolves once everything forwarded so far has played (or was cleared). */
  whenPlayedOut(): Promise<void> {
    if (!this.ledger.hasUnplayedAudio()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
