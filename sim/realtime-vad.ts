/**
 * Energy-based voice activity detection over the audio a session receives, in 20 ms windows.
 * Positions are on the session's appended-audio clock (bytes / bytes-per-ms), never wall time.
 * Per-sample work is one table lookup (G.711) or one multiply (pcm16).
 */
import { mulawToLinear } from './audio.js';

export type VadFormat = 'audio/pcmu' | 'audio/pcma' | 'audio/pcm';

export interface VadSettings {
  /** 0..1 as in `turn_detection.threshold`; mapped to a level from −60 dBFS (0) to −10 dBFS (1). */
  threshold: number;
  silenceDurationMs: number;
}

export interface VadListener {
  /** `onsetMs` is the start of the first loud window (before prefix padding). */
  speechStarted(onsetMs: number): void;
  /** `endMs` includes the silence that ended the turn. */
  speechStopped(endMs: number): void;
}

const WINDOW_MS = 20;

function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = (a & 0x0f) << 4;
  magnitude = exponent === 0 ? magnitude + 8 : ((magnitude + 0x108) << (exponent - 1));
  return a & 0x80 ? magnitude : -magnitude;
}

function squaresTable(decode: (byte: number) => number): Float64Array {
  const table = new Float64Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i) ** 2;
  return table;
}

const SQUARES: Record<'audio/pcmu' | 'audio/pcma', Float64Array> = {
  'audio/pcmu': squaresTable(mulawToLinear),
  'audio/pcma': squaresTable(alawToLinear),
};

export function thresholdToMeanSquare(threshold: number): number {
  const rms = 32768 * 10 ** ((-60 + 50 * threshold) / 20);
  return rms * rms;
}

export class EnergyVad {
  private readonly bytesPerSample: number;
  private readonly samplesPerMs: number;
  private readonly windowSamples: number;
  private readonly squares: Float64Array | undefined;
  private meanSquareThreshold: number;
  private silenceMs: number;
  private windowSum = 0;
  private windowFill = 0;
  private windowsClosed = 0;
  private speaking = false;
  private lastLoudEndMs = 0;

  constructor(
    format: VadFormat,
    settings: VadSettings,
    private readonly listener: VadListener,
    /** Where this detector's clock starts, in ms of session audio. */
    private readonly originMs = 0,
  ) {
    this.squares = format === 'audio/pcm' ? undefined : SQUARES[format];
    this.bytesPerSample = format === 'audio/pcm' ? 2 : 1;
    this.samplesPerMs = format === 'audio/pcm' ? 24 : 8;
    this.windowSamples = WINDOW_MS * this.samplesPerMs;
    this.meanSquareThreshold = thresholdToMeanSquare(settings.threshold);
    this.silenceMs = settings.silenceDurationMs;
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }

  configure(settings: VadSettings): void {
    this.meanSquareThreshold = thresholdToMeanSquare(settings.threshold);
    this.silenceMs = settings.silenceDurationMs;
  }

  /** Forgets a turn in progress (after `input_audio_buffer.clear`), keeping the clock. */
  reset(): void {
    this.speaking = false;
  }

  push(chunk: Uint8Array): void {
    const windowBytes = this.windowSamples * this.bytesPerSample;
    let i = 0;
    while (i < chunk.length) {
      const end = Math.min(chunk.length, i + windowBytes - this.windowFill * this.bytesPerSample);
      this.windowSum += this.sumSquares(chunk, i, end);
      this.windowFill += Math.floor((end - i) / this.bytesPerSample);
      i = end;
      if (this.windowFill >= this.windowSamples) this.closeWindow();
    }
  }

  private sumSquares(chunk: Uint8Array, from: number, to: number): number {
    let sum = 0;
    const table = this.squares;
    if (table) {
      for (let i = from; i < to; i++) sum += table[chunk[i]!]!;
      return sum;
    }
    for (let i = from; i + 1 < to; i += 2) {
      const raw = chunk[i]! | (chunk[i + 1]! << 8);
      const sample = raw >= 0x8000 ? raw - 0x10000 : raw;
      sum += sample * sample;
    }
    return sum;
  }

  private closeWindow(): void {
    const loud = this.windowSum / this.windowSamples >= this.meanSquareThreshold;
    this.windowSum = 0;
    this.windowFill = 0;
    this.windowsClosed++;
    const endMs = this.originMs + this.windowsClosed * WINDOW_MS;
    if (loud) {
      if (!this.speaking) {
        this.speaking = true;
        this.listener.speechStarted(endMs - WINDOW_MS);
      }
      this.lastLoudEndMs = endMs;
    } else if (this.speaking && endMs - this.lastLoudEndMs >= this.silenceMs) {
      this.speaking = false;
      this.listener.speechStopped(endMs);
    }
  }
}
