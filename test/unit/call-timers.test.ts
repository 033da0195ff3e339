import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { CallTimers } from '../../src/call/call-timers.js';

function setup(overrides: Partial<ConstructorParameters<typeof CallTimers>[1]> = {}) {
  const clock = new ManualClock();
  const events: string[] = [];
  const timers = new CallTimers(
    clock,
    { silenceRepromptMs: 8000, maxReprompts: 2, maxCallMs: 600_000, wrapUpWarningMs: 60_000, ...overrides },
    {
      reprompt: (n) => events.push(`reprompt ${n}`),
      silenceGoodbye: () => events.push('goodbye'),
      wrapUpWarning: () => events.push('warning'),
      maxDurationReached: () => events.push('max'),
    },
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
});
