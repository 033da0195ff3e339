import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { HOLD_CUE_AUDIO } from '../../src/audio.js';
import { CallTimers, HOLD_CUE_AFTER_MS, HOLD_CUE_EVERY_MS, type CallTimer, type CallTimerSettings } from '../../src/call/call-timers.js';

function setup(overrides: Partial<CallTimerSettings> = {}) {
  const clock = new ManualClock();
  const events: string[] = [];
  const names: Record<CallTimer, string> = { reprompt: 'reprompt', 'silence-goodbye': 'goodbye', 'wrap-up-warning': 'warning', 'max-duration': 'max', 'hold-cue': 'cue' };
  const timers: CallTimers = new CallTimers(
    clock,
    { silenceRepromptMs: 8000, maxReprompts: 2, maxCallMs: 600_000, wrapUpWarningMs: 60_000, ...overrides },
    (timer) => events.push(timer === 'reprompt' ? `reprompt ${timers.repromptCount}` : names[timer]),
  );
  return { clock, events, timers };
}

describe('CallTimers', () => {
  it('reprompts after the pause, at most twice, then says goodbye', () => {
    const { clock, events, timers } = setup();
    timers.agentFinishedSpeaking();
    clock.advance(7999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['reprompt 1']);
    timers.agentBusy(); // the reprompt is spoken
    timers.agentFinishedSpeaking();
    clock.advance(8000);
    timers.agentFinishedSpeaking();
    clock.advance(8000);
    expect(events).toEqual(['reprompt 1', 'reprompt 2', 'goodbye']);
    timers.agentFinishedSpeaking();
    clock.advance(60_000);
    expect(events).toEqual(['reprompt 1', 'reprompt 2', 'goodbye']);
  });

  it('does not count silence while the agent talks, and starts over when the caller speaks', () => {
    const { clock, events, timers } = setup();
    timers.agentFinishedSpeaking();
    clock.advance(8000);
    timers.callerActive();
    timers.agentBusy();
    clock.advance(30_000);
    expect(events).toEqual(['reprompt 1']);
    timers.agentFinishedSpeaking();
    clock.advance(8000);
    expect(events).toEqual(['reprompt 1', 'reprompt 1']);
  });

  it('warns a minute before the maximum length, then ends the call at it', () => {
    const { clock, events, timers } = setup();
    timers.start();
    clock.advance(539_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['warning']);
    clock.advance(60_000);
    expect(events).toEqual(['warning', 'max']);
  });

  it('stops every timer', () => {
    const { clock, events, timers } = setup();
    timers.start();
    timers.agentFinishedSpeaking();
    timers.stop();
    clock.advance(1_000_000);
    expect(events).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('plays the hold cue after a tool has run a while, repeats it while it runs, and stops when it finishes', () => {
    const { clock, events, timers } = setup();
    timers.toolStarted();
    clock.advance(HOLD_CUE_AFTER_MS - 1);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['cue']);
    clock.advance(HOLD_CUE_EVERY_MS);
    expect(events).toEqual(['cue', 'cue']);
    timers.toolFinished();
    clock.advance(60_000);
    expect(events).toEqual(['cue', 'cue']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('waits for every overlapping tool before stopping the cue, and never plays it for a quick one', () => {
    const { clock, events, timers } = setup();
    timers.toolStarted();
    clock.advance(500);
    timers.toolFinished();
    clock.advance(5000);
    expect(events).toEqual([]);
    timers.toolStarted();
    timers.toolStarted();
    timers.toolFinished();
    clock.advance(HOLD_CUE_AFTER_MS);
    expect(events).toEqual(['cue']);
  });

  it('runs no silence or length timer without settings', () => {
    const clock = new ManualClock();
    const events: CallTimer[] = [];
    const timers = new CallTimers(clock, undefined, (t) => events.push(t));
    timers.start();
    expect(timers.agentFinishedSpeaking()).toBe(false);
    clock.advance(10_000_000);
    expect(events).toEqual([]);
  });
});

describe('HOLD_CUE_AUDIO', () => {
  it('is quiet μ-law audio of a whole number of 20 ms frames', () => {
    const bytes = Buffer.from(HOLD_CUE_AUDIO, 'base64');
    expect(bytes.length % 160).toBe(0);
    expect(bytes.length).toBeGreaterThan(0);
  });
});
