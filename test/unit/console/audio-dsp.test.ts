import { describe, expect, it } from 'vitest';
import { decodeMulawBytes, FRAME_SAMPLES, FrameEncoder, mulawDecode, mulawEncode, PlaybackQueue, Upsampler } from '../../../public/console/audio-dsp.js';
import { linearToMulaw, mulawToLinear } from '../../../sim/audio.js';

const rms = (samples: ArrayLike<number>) => Math.sqrt(Array.from(samples).reduce((sum, x) => sum + x * x, 0) / samples.length);

function sine(rate: number, hz: number, seconds: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** Feeds the encoder 128-sample render quanta, as an AudioWorklet does. */
function encodeInQuanta(rate: number, input: Float32Array): Uint8Array[] {
  const encoder = new FrameEncoder(rate);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < input.length; i += 128) frames.push(...encoder.push(input.subarray(i, i + 128)));
  return frames;
}

describe("the page's μ-law (G.711)", () => {
  it('encodes every 16-bit sample exactly as the bridge does', () => {
    for (let s = -32768; s <= 32767; s++) if (mulawEncode(s) !== linearToMulaw(s)) expect.fail(`sample ${s}: ${mulawEncode(s)} != ${linearToMulaw(s)}`);
  });

  it('decodes every byte exactly as the stand-ins do', () => {
    for (let b = 0; b < 256; b++) expect(mulawDecode(b), `byte ${b}`).toBe(mulawToLinear(b));
    expect(Array.from(decodeMulawBytes(Uint8Array.of(0x00, 0xff, 0x80)))).toEqual([mulawToLinear(0) / 32768, 0, mulawToLinear(0x80) / 32768]);
  });
});

describe('FrameEncoder: microphone to 20 ms frames at 8 kHz', () => {
  it.each([48_000, 44_100, 16_000])('from %i Hz: 50 frames of 160 bytes a second, a 440 Hz voice kept at its level', (rate) => {
    const frames = encodeInQuanta(rate, sine(rate, 440, 1, 0.25));
    expect(frames.length).toBeGreaterThanOrEqual(49);
    expect(frames.length).toBeLessThanOrEqual(50);
    expect(frames.every((f) => f.length === FRAME_SAMPLES)).toBe(true);
    const decoded = decodeMulawBytes(Uint8Array.from(frames.flatMap((f) => Array.from(f))));
    expect(rms(decoded)).toBeGreaterThan(0.25 * Math.SQRT1_2 * 0.9);
    expect(rms(decoded)).toBeLessThan(0.25 * Math.SQRT1_2 * 1.05);
  });

  it('turns silence into μ-law silence', () => {
    const frames = encodeInQuanta(48_000, new Float32Array(960));
    expect(Array.from(frames[0]!).every((b) => b === 0xff)).toBe(true);
  });
});

describe('Upsampler: 8 kHz to the AudioContext rate', () => {
  it('gives six samples per input at 48 kHz, the same whether the audio comes in one chunk or two', () => {
    const input = sine(8000, 300, 0.02, 0.5);
    const whole = new Upsampler(8000, 48_000).push(input);
    const split = new Upsampler(8000, 48_000);
    const joined = [...split.push(input.subarray(0, 77)), ...split.push(input.subarray(77))];
    expect(whole.length).toBe(960);
    expect(joined).toEqual(Array.from(whole));
    expect(rms(whole)).toBeCloseTo(0.5 * Math.SQRT1_2, 1);
  });

  it('handles rates that are not a multiple of 8 kHz (44.1 kHz)', () => {
    const out = new Upsampler(8000, 44_100).push(new Float32Array(8000).fill(0.1));
    expect(Math.abs(out.length - 44_100)).toBeLessThanOrEqual(1);
  });
});

describe('PlaybackQueue: what has actually played, for mark echoes', () => {
  const block = () => new Float32Array(64);
  const audio = (n: number, value = 0.5) => new Float32Array(n).fill(value);

  it('reports a mark only once all the audio queued before it has been handed to the output', () => {
    const q = new PlaybackQueue(0);
    q.pushAudio(audio(100));
    q.pushMark('a');
    q.pushAudio(audio(50, 0.25));
    q.pushMark('b');
    const first = block();
    expect(q.read(first)).toEqual([]);
    expect(first.every((x) => x === 0.5)).toBe(true);
    const second = block();
    expect(q.read(second)).toEqual(['a']);
    expect(second[35]).toBe(0.5);
    expect(second[36]).toBe(0.25);
    const third = block();
    expect(q.read(third)).toEqual(['b']);
    expect(third[21]).toBe(0.25);
    expect(third[22]).toBe(0);
    expect(q.bufferedSamples).toBe(0);
  });

  it('reports at once a mark with no audio before it', () => {
    const q = new PlaybackQueue(480);
    q.pushMark('empty');
    expect(q.read(block())).toEqual(['empty']);
  });

  it('is a jitter buffer: after silence it waits for primeSamples of audio, or that long at most', () => {
    const q = new PlaybackQueue(160);
    q.pushAudio(audio(80));
    q.pushMark('end');
    const out = block();
    expect(q.read(out)).toEqual([]);
    expect(out.every((x) => x === 0)).toBe(true);
    q.pushAudio(audio(80));
    expect(q.bufferedSamples).toBe(160);
    q.read(out);
    expect(out.every((x) => x === 0.5)).toBe(true);

    const slow = new PlaybackQueue(160);
    slow.pushAudio(audio(80));
    slow.pushMark('short');
    const blocks = [block(), block(), block(), block(), block()];
    const reported = blocks.map((b) => slow.read(b));
    // Three silent blocks wait 192 samples (>= 160), then the 80 samples play and the mark follows them.
    expect(blocks.map((b) => b[0])).toEqual([0, 0, 0, 0.5, 0.5]);
    expect(reported).toEqual([[], [], [], [], ['short']]);
  });

  it('starts priming again after it ran dry', () => {
    const q = new PlaybackQueue(100);
    q.pushAudio(audio(120));
    q.read(block());
    q.read(block());
    q.pushAudio(audio(40));
    const out = block();
    q.read(out);
    expect(out.every((x) => x === 0)).toBe(true);
  });

  it('clear: drops the queued audio and reports every pending mark at once, in order (as Twilio does)', () => {
    const q = new PlaybackQueue(0);
    q.pushAudio(audio(500));
    q.pushMark('m1');
    q.pushAudio(audio(500));
    q.pushMark('m2');
    q.read(block());
    expect(q.clear()).toEqual(['m1', 'm2']);
    expect(q.bufferedSamples).toBe(0);
    const out = block();
    expect(q.read(out)).toEqual([]);
    expect(out.every((x) => x === 0)).toBe(true);
  });
});
