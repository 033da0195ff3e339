import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { HOLD_CUE_AFTER_MS, HOLD_CUE_AUDIO, HOLD_CUE_EVERY_MS, HoldCue } from '../../src/call/hold-cue.js';

describe('HoldCue', () => {
  it('plays after a tool has run a while, repeats while it runs, and stops when it finishes', () => {
    const clock = new ManualClock();
    let plays = 0;
    const cue = new HoldCue(clock, () => plays++);
    cue.toolStarted();
    clock.advance(HOLD_CUE_AFTER_MS - 1);
    expect(plays).toBe(0);
    clock.advance(1);
    expect(plays).toBe(1);
    clock.advance(HOLD_CUE_EVERY_MS);
    expect(plays).toBe(2);
    cue.toolFinished();
    clock.advance(60_000);
    expect(plays).toBe(2);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('waits for every overlapping tool, and never plays for a quick one', () => {
    const clock = new ManualClock();
    let plays = 0;
    const cue = new HoldCue(clock, () => plays++);
    cue.toolStarted();
    clock.advance(500);
    cue.toolFinished();
    clock.advance(5000);
    expect(plays).toBe(0);
    cue.toolStarted();
    cue.toolStarted();
    cue.toolFinished();
    clock.advance(HOLD_CUE_AFTER_MS);
    expect(plays).toBe(1);
  });

  it('is quiet μ-law audio of a whole number of 20 ms frames', () => {
    const bytes = Buffer.from(HOLD_CUE_AUDIO, 'base64');
    expect(bytes.length % 160).toBe(0);
    expect(bytes.length).toBeGreaterThan(0);
  });
});
