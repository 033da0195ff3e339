import { describe, expect, it } from 'vitest';
import { PlaybackBuffer } from '../../sim/twilio-playback.js';

describe('PlaybackBuffer (Twilio outbound FIFO)', () => {
  it('reaches a mark after the audio queued before it, even in uneven fractional steps', () => {
    const buffer = new PlaybackBuffer(0);
    buffer.enqueueAudio(800, 0);
    expect(buffer.enqueueMark('m1', 0)).toEqual([]);
    expect(buffer.nextMarkDueAt()).toBe(100);

    const echoes = [];
    for (let t = 0.3; t < 100.5; t += 0.3) echoes.push(...buffer.advance(t));
    expect(echoes.map((e) => e.name)).toEqual(['m1']);
    expect(echoes[0]!.reachedAt).toBeCloseTo(100, 6);
    expect(buffer.playedMs).toBeCloseTo(100, 6);
    expect(buffer.bufferedMs).toBeCloseTo(0, 6);
  });

  it('echoes consecutive marks together and tracks what is still pending', () => {
    const buffer = new PlaybackBuffer(0);
    buffer.enqueueAudio(160, 0);
    buffer.enqueueMark('a', 0);
    buffer.enqueueMark('b', 0);
    buffer.enqueueAudio(160, 0);
    buffer.enqueueMark('c', 0);
    expect(buffer.pendingMarks).toBe(3);
    expect(buffer.advance(20).map((e) => [e.name, e.reachedAt])).toEqual([
      ['a', 20],
      ['b', 20],
    ]);
    expect(buffer.pendingMarks).toBe(1);
    expect(buffer.nextMarkDueAt()).toBe(40);
  });

  it('clear returns the pending marks as cleared and starts a new segment', () => {
    const buffer = new PlaybackBuffer(0);
    buffer.enqueueAudio(800, 0);
    buffer.enqueueMark('x', 0);
    buffer.enqueueAudio(800, 0);
    buffer.enqueueMark('y', 0);
    const echoes = buffer.clear(30);
    expect(echoes).toEqual([
      { name: 'x', reason: 'cleared', reachedAt: 30 },
      { name: 'y', reason: 'cleared', reachedAt: 30 },
    ]);
    expect(buffer.nextMarkDueAt()).toBeUndefined();
    expect(buffer.segmentsPlayedMs).toEqual([30, 0]);
    expect(buffer.enqueueMark('z', 31)).toEqual([{ name: 'z', reason: 'played', reachedAt: 31 }]);
  });
});
