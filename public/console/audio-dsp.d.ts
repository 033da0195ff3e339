/** Types of audio-dsp.js (plain JavaScript for the browser, no build step) for the Node tests. */
export declare const PHONE_RATE: number;
export declare const FRAME_SAMPLES: number;
export declare function mulawEncode(sample: number): number;
export declare function mulawDecode(byte: number): number;
export declare function decodeMulawBytes(bytes: Uint8Array): Float32Array;
export declare class Downsampler {
  constructor(fromRate: number, toRate?: number);
  push(input: Float32Array): number[];
}
export declare class Upsampler {
  constructor(fromRate: number, toRate: number);
  push(input: Float32Array): Float32Array;
  reset(): void;
}
export declare class FrameEncoder {
  constructor(inputRate: number);
  push(block: Float32Array): Uint8Array[];
}
export declare class PlaybackQueue {
  constructor(primeSamples: number);
  primeSamples: number;
  readonly bufferedSamples: number;
  pushAudio(samples: Float32Array): void;
  pushMark(name: string): void;
  read(out: Float32Array): string[];
  clear(): string[];
}
