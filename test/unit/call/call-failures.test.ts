import { describe, expect, it } from 'vitest';
import type { ModelPortEvent } from '../../../src/call/model-port.js';
import { echo, fakeCall, hangUpWithoutWords, liveCall, model, settle } from './fake-call.js';

const failed = (responseId: string, code: string, retryAfterMs?: number): ModelPortEvent => ({
  type: 'response-done',
  responseId,
  status: 'failed',
  problem: { code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
});

describe('Call: responses that fail', () => {
  it('ends with a spoken apology when the quota is gone', async () => {
    const f = fakeCall();
    await settle();
    f.port.emit(model.started('r1', 'greeting'));
    f.port.emit(failed('r1', 'insufficient_quota'));
    await settle();
    expect(f.line.hungUp).toEqual({ reason: 'model-error', apology: expect.stringMatching(/sorry/i) });
  });

  it('retries a rate-limited greeting once after the advised delay, and carries on when it works', async () => {
    const f = fakeCall();
    await settle();
    f.port.emit(model.started('r1', 'greeting'));
    f.port.emit(failed('r1', 'rate_limit_exceeded', 1500));
    f.clock.advance(1499);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['greeting']);
    f.clock.advance(1);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['greeting', 'greeting']);
    f.port.emit(model.started('r2', 'greeting'));
    f.port.emit(model.done('r2'));
    expect(f.call.phase).toBe('live');
    expect(f.line.hungUp).toBeUndefined();
  });

  it('answers a caller whose turn got a failed response (server error) with one retry, then apologises', async () => {
    const f = fakeCall();
    await settle();
    f.port.emit(model.started('r0', 'greeting'));
    f.port.emit(model.done('r0'));
    f.port.emit(model.started('r_vad'));
    f.port.emit(failed('r_vad', 'server_error'));
    f.clock.advance(1000);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['greeting', 'retry']);
    f.port.emit(model.started('r2', 'retry'));
    f.port.emit(failed('r2', 'server_error'));
    await settle();
    expect(f.line.hungUp?.reason).toBe('model-error');
  });

  it('hands the caller to staff when the retry fails and a transfer is offered', async () => {
    const f = fakeCall({ transferNumber: '+15550100' });
    await settle();
    f.port.emit(model.started('r1', 'greeting'));
    f.port.emit(failed('r1', 'server_error'));
    f.clock.advance(1000);
    f.port.emit(model.started('r2', 'greeting'));
    f.port.emit(failed('r2', 'server_error'));
    await settle();
    expect(f.line.transferredTo).toBe('+15550100');
  });

  it('never counts a failed goodbye as said: the call waits for the retried one to be heard', async () => {
    const f = await liveCall({ settings: { goodbyeTimeoutMs: 60_000 } });
    await hangUpWithoutWords(f);
    f.port.emit(model.started('r2', 'goodbye'));
    f.port.emit(failed('r2', 'server_error'));
    await settle();
    expect(f.line.hungUp).toBeUndefined();
    f.clock.advance(1000);
    f.port.emit(model.started('r3', 'goodbye'));
    f.port.emit(model.audio('r3', 'item_3', 100));
    f.port.emit(model.done('r3'));
    await settle();
    expect(f.line.hungUp).toBeUndefined();
    for (const mark of f.line.marks()) echo(f.call, mark);
    await settle();
    expect(f.line.hungUp?.reason).toBe('agent-hung-up');
  });

  it('does not take a response the model started between our request and its refusal for ours', async () => {
    const f = await liveCall({ settings: { goodbyeTimeoutMs: 60_000 } });
    await hangUpWithoutWords(f);
    // The goodbye was requested; the caller spoke and the model answered on its own before refusing ours.
    f.port.emit(model.started('r_vad'));
    f.port.emit({ type: 'request-refused', purpose: 'goodbye' });
    f.port.emit(model.audio('r_vad', 'item_v', 100));
    f.port.emit(model.done('r_vad'));
    for (const mark of f.line.marks()) echo(f.call, mark);
    await settle();
    expect(f.line.hungUp).toBeUndefined();
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['goodbye', 'goodbye']);
  });
});
