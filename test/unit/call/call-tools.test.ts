import { describe, expect, it } from 'vitest';
import { echo, fakeCall, hangUpWithoutWords, liveCall, model, settle } from './fake-call.js';

describe('Call: one tool round, one follow-up', () => {
  it('runs every call of a response (parallel calls) and asks for exactly one follow-up after all answered', async () => {
    const f = await liveCall();
    f.port.emit(model.started('r1'));
    f.port.emit(model.tool('r1', 'c1', 'add_item'));
    f.port.emit(model.tool('r1', 'c2', 'get_order'));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.ordering.calls).toEqual(['add_item', 'get_order']);
    expect(f.journal).toEqual(['model:tool-result c1', 'model:tool-result c2', 'model:response.create tool-followup']);
  });

  it('waits for a slow tool before the follow-up, and answers each call once', async () => {
    const f = await liveCall();
    f.ordering.slow.add('submit_order');
    f.port.emit(model.started('r1'));
    f.port.emit(model.tool('r1', 'c1', 'submit_order'));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.port.requests).toEqual([]);
    f.ordering.answer('submit_order', { ok: true, status: 'placed' });
    await settle();
    expect(f.port.toolResults).toEqual([{ callId: 'c1', output: { ok: true, status: 'placed' } }]);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['tool-followup']);
  });

  it('plays the hold cue while a slow tool runs and nothing else plays', async () => {
    const f = await liveCall();
    f.ordering.slow.add('submit_order');
    f.port.emit(model.started('r1'));
    f.port.emit(model.tool('r1', 'c1', 'submit_order'));
    f.clock.advance(1500);
    expect(f.line.frames.filter((m) => m.event === 'media')).toHaveLength(1);
    f.ordering.answer('submit_order');
    await settle();
    f.clock.advance(10_000);
    expect(f.line.frames.filter((m) => m.event === 'media')).toHaveLength(1);
  });

  it('answers a call action the call cannot do with ok:false and lets the model go on', async () => {
    const f = await liveCall();
    f.port.emit(model.started('r1'));
    f.port.emit(model.tool('r1', 'c1', 'transfer_to_staff'));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.port.toolResults[0]).toMatchObject({ callId: 'c1', output: { ok: false, error: 'not_available' } });
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['tool-followup']);
    expect(f.call.phase).toBe('live');
  });
});

describe('Call: end_call', () => {
  it('hangs up only once the goodbye said with it has played', async () => {
    const f = await liveCall();
    f.port.emit(model.started('r1'));
    f.port.emit(model.audio('r1', 'item_1', 200));
    f.port.emit(model.tool('r1', 'c1', 'end_call'));
    f.port.emit(model.audioDone('r1', 'item_1'));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.call.phase).toBe('closing');
    expect(f.port.toolResults).toEqual([{ callId: 'c1', output: { ok: true } }]);
    expect(f.port.requests).toEqual([]);
    expect(f.line.hungUp).toBeUndefined();
    for (const mark of f.line.marks()) echo(f.call, mark);
    await settle();
    expect(f.line.hungUp).toEqual({ reason: 'agent-hung-up', apology: undefined });
    expect(f.journal.at(-1)).toBe('twilio:hang-up agent-hung-up');
  });

  it('asks for a goodbye when the model hung up without a word, and hangs up after it played', async () => {
    const f = await liveCall();
    await hangUpWithoutWords(f);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['goodbye']);
    f.port.emit(model.started('r2', 'goodbye'));
    f.port.emit(model.audio('r2', 'item_2', 100));
    f.port.emit(model.done('r2'));
    await settle();
    expect(f.line.hungUp).toBeUndefined();
    for (const mark of f.line.marks()) echo(f.call, mark);
    await settle();
    expect(f.line.hungUp?.reason).toBe('agent-hung-up');
  });

  it('hangs up anyway when the goodbye never plays out (bounded wait)', async () => {
    const f = await liveCall({ settings: { goodbyeTimeoutMs: 3000 } });
    f.port.emit(model.started('r1'));
    f.port.emit(model.audio('r1', 'item_1', 200));
    f.port.emit(model.tool('r1', 'c1', 'end_call'));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.line.hungUp).toBeUndefined();
    f.clock.advance(3000);
    await settle();
    expect(f.line.hungUp?.reason).toBe('agent-hung-up');
  });
});

describe('Call: transfer_to_staff', () => {
  it('transfers after the announcement played, once the tools settled', async () => {
    const f = await liveCall({ transferNumber: '+15550100' });
    f.port.emit(model.started('r1'));
    f.port.emit(model.audio('r1', 'item_1', 100));
    f.port.emit(model.tool('r1', 'c1', 'transfer_to_staff'));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.line.transferredTo).toBeUndefined();
    for (const mark of f.line.marks()) echo(f.call, mark);
    await settle();
    expect(f.line.transferredTo).toBe('+15550100');
    expect(f.call.phase).toBe('ended');
    expect(f.line.closed).toBe('transferred');
    expect(f.line.hungUp).toBeUndefined();
  });

  it('apologises and hangs up when the transfer fails', async () => {
    const f = await liveCall({ transferNumber: '+15550100' });
    f.line.transfer = async () => Promise.reject(new Error('HTTP 400'));
    f.port.emit(model.started('r1'));
    f.port.emit(model.tool('r1', 'c1', 'transfer_to_staff'));
    f.port.emit(model.done('r1'));
    await settle();
    f.port.emit(model.started('r2', 'transfer'));
    f.port.emit(model.done('r2'));
    await settle();
    expect(f.line.hungUp?.reason).toBe('model-error');
    expect(f.line.hungUp?.apology).toMatch(/sorry/i);
  });
});
