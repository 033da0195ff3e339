import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_MS, MAX_RETRY_MS, onKeypad, onResponseFailed, onRoundEnd, onTimer, shutdownPrompt } from '../../../src/call/call-policy.js';

describe('call policy', () => {
  it('turns timers into the line the model is asked for', () => {
    expect(onTimer('reprompt')).toMatchObject({ do: 'say', purpose: 'reprompt' });
    expect(onTimer('silence-goodbye')).toMatchObject({ do: 'wrap-up', reason: 'silence' });
    expect(onTimer('max-duration')).toMatchObject({ do: 'wrap-up', reason: 'max-duration' });
    expect(onTimer('hold-cue')).toEqual({ do: 'hold-cue' });
  });

  it('transfers on 0 only when a transfer is offered; other keys are the caller\'s words', () => {
    expect(onKeypad('0', true)).toEqual({ do: 'transfer', announce: true, interrupt: true });
    expect(onKeypad('0', false)).toMatchObject({ do: 'tell' });
    expect(onKeypad('7', true)).toEqual({ do: 'tell', text: '[The caller pressed 7 on the keypad]' });
  });

  it('ends a tool round with one follow-up, or with the action (asking for the words only when none were said)', () => {
    expect(onRoundEnd({ followUp: true, action: undefined, spoke: false })).toEqual({ do: 'say', purpose: 'tool-followup' });
    expect(onRoundEnd({ followUp: false, action: undefined, spoke: false })).toBeUndefined();
    expect(onRoundEnd({ followUp: false, action: 'end_call', spoke: true })).toEqual({ do: 'wrap-up', reason: 'agent-hung-up', prompt: undefined });
    expect(onRoundEnd({ followUp: false, action: 'end_call', spoke: false })).toMatchObject({ do: 'wrap-up', prompt: expect.stringMatching(/goodbye/i) });
    expect(onRoundEnd({ followUp: false, action: 'transfer_to_staff', spoke: true })).toEqual({ do: 'transfer', announce: false });
  });

  it('ends the call with an apology when the account cannot answer (quota, key)', () => {
    for (const code of ['insufficient_quota', 'invalid_api_key']) {
      expect(onResponseFailed({ code }, 'greeting', 1, true)).toEqual({ do: 'end', reason: 'model-error', apology: true });
    }
  });

  it('retries a rate-limited or failed response once, after the advised delay (bounded), with the same purpose', () => {
    expect(onResponseFailed({ code: 'rate_limit_exceeded', retryAfterMs: 1200 }, 'tool-followup', 1, false)).toEqual({ do: 'say', purpose: 'tool-followup', afterMs: 1200 });
    expect(onResponseFailed({ code: 'server_error' }, undefined, 1, false)).toEqual({ do: 'say', purpose: 'retry', afterMs: DEFAULT_RETRY_MS });
    expect(onResponseFailed({ code: 'rate_limit_exceeded', retryAfterMs: 60_000 }, 'greeting', 1, false)).toMatchObject({ afterMs: MAX_RETRY_MS });
  });

  it('after the retry failed too: to staff when offered, else an apology', () => {
    expect(onResponseFailed({ code: 'server_error' }, 'retry', 2, true)).toEqual({ do: 'transfer', announce: false });
    expect(onResponseFailed({ code: 'server_error' }, 'retry', 2, false)).toEqual({ do: 'end', reason: 'model-error', apology: true });
  });

  it('tells the caller at a restart exactly what became of their order, never a blanket "placed"', () => {
    expect(shutdownPrompt({ sent: { kind: 'accepted', orderId: 'ord_7' }, unsentLines: 0 })).toMatch(/order is placed \(order number ord_7\)/);
    expect(shutdownPrompt({ sent: { kind: 'queued' }, unsentLines: 0 })).toMatch(/received and the restaurant will confirm/);
    const notPlaced = shutdownPrompt({ unsentLines: 2 });
    expect(notPlaced).toMatch(/order was NOT placed/);
    expect(notPlaced).not.toMatch(/is placed|received/);
    expect(shutdownPrompt({ sent: { kind: 'accepted', orderId: 'ord_7' }, unsentLines: 1 })).toMatch(/placed.*items added since then were NOT placed/);
    expect(shutdownPrompt({ unsentLines: 0 })).not.toMatch(/placed|received/);
  });
});
