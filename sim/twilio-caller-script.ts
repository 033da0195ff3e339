import { FRAME_MS, silence, tone, toFrames } from './audio.js';

/**
 * What the simulated caller says, one 20 ms frame at a time: a queue of steps (speech, silence, a clip, a gap),
 * falling back to a custom frame source or to silence when the queue is empty. Twilio sends a frame every 20 ms
 * for the whole call, silence included; a gap is the one case where frames are skipped.
 */
export type FrameSource = (frameIndex: number) => Buffer | null;

/** One frame's worth of payload: base64 μ-law, or `null` to skip the frame (a gap in the stream). */
export type FramePayload = string | null;

const SILENCE_FRAME_B64 = silence(FRAME_MS).toString('base64');
// 440 Hz fits exactly 44 cycles in 100 ms, so five precomputed frames loop without a click.
const SPEECH_FRAMES_B64 = toFrames(tone(100, 440, 8000)).map((f) => f.toString('base64'));

interface Step {
  frames: number;
  sent: number;
  payload: (stepFrame: number) => FramePayload;
  done: () => void;
}

function framesFor(ms: number): number {
  return Math.max(0, Math.ceil(ms / FRAME_MS));
}

export class CallerScript {
  private readonly steps: Step[] = [];

  constructor(private readonly fallback?: FrameSource) {}

  /** Speech-like tone for `ms`; resolves once its last frame has been sent. */
  say(ms: number): Promise<void> {
    return this.push(framesFor(ms), (i) => SPEECH_FRAMES_B64[i % SPEECH_FRAMES_B64.length]!);
  }

  /** Explicit silence for `ms` (what a quiet caller's line carries). */
  silence(ms: number): Promise<void> {
    return this.push(framesFor(ms), () => SILENCE_FRAME_B64);
  }

  /** A recorded clip of μ-law audio, split into 20 ms frames (the last padded with silence). */
  play(audio: Buffer): Promise<void> {
    const frames = toFrames(audio).map((f) => f.toString('base64'));
    return this.push(frames.length, (i) => frames[i]!);
  }

  /** Sends nothing for `ms` (stream timestamps still advance), like a network gap. */
  gap(ms: number): Promise<void> {
    return this.push(framesFor(ms), () => null);
  }

  /** True while a `say` or `play` step is running. */
  get busy(): boolean {
    return this.steps.length > 0;
  }

  nextFrame(frameIndex: number): FramePayload {
    const step = this.steps[0];
    if (!step) return this.fromFallback(frameIndex);
    const payload = step.payload(step.sent);
    step.sent++;
    if (step.sent >= step.frames) this.finishHead();
    return payload;
  }

  /** Settles every queued step (the call ended), so scripts awaiting them do not hang. */
  cancelAll(): void {
    while (this.steps.length > 0) this.finishHead();
  }

  private fromFallback(frameIndex: number): FramePayload {
    if (!this.fallback) return SILENCE_FRAME_B64;
    const frame = this.fallback(frameIndex);
    return frame === null ? null : frame.toString('base64');
  }

  private push(frames: number, payload: Step['payload']): Promise<void> {
    if (frames === 0) return Promise.resolve();
    return new Promise((resolve) => this.steps.push({ frames, sent: 0, payload, done: resolve }));
  }

  private finishHead(): void {
    this.steps.shift()?.done();
  }
}
