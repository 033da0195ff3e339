/**
 * One simulated caller's side of the measurement: what it says every 20 ms (silence while the greeting plays,
 * then turns of speech and silence, every frame stamped) and what it reads from each media message it gets
 * (model → caller latency, deltas delivered or duplicated, greeting and turn overhead).
 */
import { FRAME_BYTES, FRAME_MS, silence, tone, toFrames } from '../sim/audio.js';
import { LatencyHistogram } from './latency-histogram.js';
import { SequenceTracker } from './sequence-tracker.js';
import { EXTRA_UNIT_US, FLAG_FIRST_DELTA, FLAG_GREETING, NO_EXTRA, elapsedUs, emptyStamp, monotonicUs, readStampBase64, writeStamp, type Stamp } from './stamp.js';

export interface CallPattern {
  /** Silence at the start while the greeting plays. */
  greetingWaitMs: number;
  /** One turn: the caller speaks for `speechMs`, then listens for the rest of the cycle. */
  cycleMs: number;
  speechMs: number;
}

/** Shared by every call of the load generator. */
export class LoadProbe {
  readonly modelToCaller = new LatencyHistogram();
  readonly turnOverhead = new LatencyHistogram();
  /** Recorded during ramp-up too: every greeting happens then. */
  readonly greetingOverhead = new LatencyHistogram();
  measuring = false;
  /** Stops every caller's frames (a gap, not silence), so nothing is in flight when counts are compared. */
  muted = false;
  framesSent = 0;
  deltasDelivered = 0;
  deltasDuplicated = 0;
  mediaUnstamped = 0;

  startWindow(): void {
    this.measuring = true;
    this.modelToCaller.reset();
    this.turnOverhead.reset();
  }
}

const SPEECH_FRAMES = toFrames(tone(100, 440, 8000));
const SILENCE_FRAME = silence(FRAME_MS);
/** The script turns each returned frame into base64 at once, so one scratch buffer serves every call. */
const scratch = Buffer.alloc(FRAME_BYTES);

export class ProbedCall {
  readonly startUs = monotonicUs();
  private readonly deltas = new SequenceTracker();
  private readonly greetFrames: number;
  private readonly cycleFrames: number;
  private readonly speechFrames: number;
  private readonly out: Stamp = emptyStamp();
  private readonly in: Stamp = emptyStamp();

  constructor(
    readonly callId: number,
    pattern: CallPattern,
    private readonly probe: LoadProbe,
  ) {
    this.greetFrames = Math.round(pattern.greetingWaitMs / FRAME_MS);
    this.cycleFrames = Math.max(1, Math.round(pattern.cycleMs / FRAME_MS));
    this.speechFrames = Math.round(pattern.speechMs / FRAME_MS);
    this.out.callId = callId & 0xffff;
  }

  /** The frame source of the simulated call. */
  readonly frame = (frameIndex: number): Buffer | null => {
    if (this.probe.muted) return null;
    const turnFrame = (frameIndex - this.greetFrames) % this.cycleFrames;
    const speaking = frameIndex >= this.greetFrames && turnFrame < this.speechFrames;
    (speaking ? SPEECH_FRAMES[turnFrame % SPEECH_FRAMES.length]! : SILENCE_FRAME).copy(scratch);
    this.out.seq = frameIndex & 0xffff;
    this.out.timeUs = monotonicUs();
    writeStamp(scratch, this.out);
    this.probe.framesSent++;
    return scratch;
  };

  /** Called with every media payload the bridge sends to this caller. */
  readonly onMedia = (payload: string): void => {
    const now = monotonicUs();
    const probe = this.probe;
    const s = this.in;
    if (!readStampBase64(payload, s)) {
      probe.mediaUnstamped++;
      return;
    }
    if (!this.deltas.accept(s.seq)) {
      probe.deltasDuplicated++;
      return;
    }
    probe.deltasDelivered++;
    const latency = elapsedUs(s.timeUs, now);
    if (probe.measuring) probe.modelToCaller.record(latency);
    if (!(s.flags & FLAG_FIRST_DELTA) || s.extra === NO_EXTRA) return;
    if (s.flags & FLAG_GREETING) probe.greetingOverhead.record(elapsedUs(this.startUs, now) - s.extra * EXTRA_UNIT_US);
    else if (probe.measuring) probe.turnOverhead.record(s.extra * EXTRA_UNIT_US + latency);
  };
}
