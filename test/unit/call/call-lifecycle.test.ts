import { describe, expect, it } from 'vitest';
import { STREAM_SID, echo, fakeCall, greetedCall, model, settle } from './fake-call.js';

const media = (payload: string) => ({ event: 'media' as const, streamSid: STREAM_SID, payload });
const timers = { silenceRepromptMs: 8000, maxReprompts: 1, maxCallMs: 600_000, wrapUpWarningMs: 60_000 };

describe('Call: start', () => {
  it('asks for the greeting only once the model session is confirmed, and buffers the caller meanwhile', async () => {
    const f = fakeCall({ deferSetup: true });
    f.call.handleTwilioMessage(media('AAAA'));
    f.call.handleTwilioMessage(media('BBBB'));
    await settle();
    expect(f.call.phase).toBe('connecting');
    expect(f.port.requests).toEqual([]);
    f.confirmSession();
    await settle();
    expect(f.call.phase).toBe('live');
    expect(f.port.requests).toEqual([{ purpose: 'greeting', prompt: 'Greet the caller.' }]);
    expect(f.port.messages).toEqual([{ role: 'system', text: expect.stringContaining('Local time now') }]);
    expect(f.port.appended).toEqual(['AAAA', 'BBBB']);
    f.call.handleTwilioMessage(media('CCCC'));
    expect(f.port.appended).toEqual(['AAAA', 'BBBB', 'CCCC']);
  });

  it('never greets over a caller who already got an answer', async () => {
    const f = fakeCall();
    await settle();
    f.port.emit(model.started('r_vad'));
    f.port.emit({ type: 'request-refused', purpose: 'greeting' });
    f.port.emit(model.done('r_vad'));
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['greeting']);
  });
});

describe('Call: gaps in caller audio', () => {
  it('fills a jump in Twilio\'s media timestamps with μ-law silence (bounded), but not jitter', async () => {
    const f = await greetedCall();
    const frame = Buffer.alloc(160, 0x7f).toString('base64');
    const stamped = (ms: number) => f.call.handleTwilioMessage({ event: 'media', streamSid: STREAM_SID, payload: frame, timestampMs: ms });
    for (const ms of [0, 20, 45, 60]) stamped(ms);
    expect(f.port.appended).toEqual([frame, frame, frame, frame]);
    stamped(1080);
    const silence = Buffer.from(f.port.appended[4]!, 'base64');
    expect(silence.length).toBe(1000 * 8);
    expect(silence.every((b) => b === 0xff)).toBe(true);
    expect(f.port.appended[5]).toBe(frame);
    stamped(5000);
    expect(Buffer.from(f.port.appended[6]!, 'base64').length).toBe(1000 * 8);
  });
});

describe('Call: model session lost', () => {
  it('reconnects with the call so far and lets the agent answer the caller who was waiting', async () => {
    const f = await greetedCall();
    f.port.emit(model.transcript('agent', 'item_0', 'Thanks for calling!', 1));
    f.port.emit(model.transcript('caller', 'i1', 'A large margherita please', 2));
    f.port.emit(model.closed());
    await settle();
    const [next] = f.replacements;
    expect(next).toBeDefined();
    // The call's facts, then the conversation as the caller's and agent's own messages, then the cart; then the answer.
    expect(next!.messages).toEqual([
      { role: 'system', text: expect.stringContaining('Local time now') },
      { role: 'assistant', text: 'Thanks for calling!' },
      { role: 'user', text: 'A large margherita please' },
      { role: 'system', text: expect.stringContaining('Margherita') },
    ]);
    expect(next!.requests.map((r) => r.purpose)).toEqual(['resume']);
    f.call.handleTwilioMessage(media('DDDD'));
    expect(next!.appended).toEqual(['DDDD']);
    f.port.emit(model.audio('r_old', 'item_old', 100));
    expect(f.line.frames.filter((m) => m.event === 'media')).toHaveLength(1);
  });

  it('apologises and hangs up when the session cannot be replaced (fatal close)', async () => {
    const f = await greetedCall();
    f.port.emit(model.closed(true));
    await settle();
    expect(f.replacements).toEqual([]);
    expect(f.line.hungUp?.reason).toBe('model-closed');
    expect(f.line.hungUp?.apology).toMatch(/sorry/i);
  });

  it('opens one new session, never two, when the session drops during a recycle', async () => {
    const f = await greetedCall({ settings: { recycleAfterMs: 60_000 }, holdReconnects: true });
    f.clock.advance(60_000);
    await settle();
    expect(f.opens()).toBe(1);
    f.port.emit(model.closed());
    await settle();
    expect(f.opens()).toBe(1);
    f.releaseReconnects();
    await settle();
    expect(f.replacements).toHaveLength(1);
    expect(f.call.phase).toBe('live');
    f.call.handleTwilioMessage(media('EEEE'));
    expect(f.replacements[0]!.appended).toEqual(['EEEE']);
  });

  it('recycles the session at a turn boundary, never while the agent speaks', async () => {
    const f = await greetedCall({ settings: { recycleAfterMs: 60_000 } });
    f.port.emit(model.started('r1'));
    f.port.emit(model.audio('r1', 'item_1', 100));
    f.clock.advance(60_000);
    await settle();
    expect(f.replacements).toEqual([]);
    f.port.emit(model.audioDone('r1', 'item_1'));
    f.port.emit(model.done('r1'));
    for (const mark of f.line.marks()) echo(f.call, mark);
    await settle();
    expect(f.replacements).toHaveLength(1);
    expect(f.port.closedWith).toBe('recycled');
    expect(f.call.phase).toBe('live');
  });
});

describe('Call: timers', () => {
  it('reprompts after the caller stayed silent, then says goodbye and hangs up', async () => {
    const f = await greetedCall({ settings: { timers } });
    f.clock.advance(8000);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['reprompt']);
    f.port.emit(model.started('r1', 'reprompt'));
    f.port.emit(model.done('r1'));
    f.clock.advance(8000);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['reprompt', 'wrap-up']);
    f.port.emit(model.started('r2', 'wrap-up'));
    f.port.emit(model.done('r2'));
    await settle();
    expect(f.line.hungUp?.reason).toBe('silence');
  });

  it('does not count silence while the caller speaks', async () => {
    const f = await greetedCall({ settings: { timers } });
    f.clock.advance(7000);
    f.port.emit(model.speechStarted());
    f.clock.advance(30_000);
    expect(f.port.requests).toEqual([]);
  });

  it('warns before the maximum length and wraps up at it', async () => {
    const f = await greetedCall({ settings: { timers: { ...timers, silenceRepromptMs: 1_000_000 } } });
    f.port.emit(model.speechStarted());
    f.clock.advance(540_000);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['wrap-up-warning']);
    f.port.emit(model.started('r1', 'wrap-up-warning'));
    f.port.emit(model.done('r1'));
    f.clock.advance(60_000);
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['wrap-up-warning', 'wrap-up']);
    f.clock.advance(10_000);
    await settle();
    expect(f.line.hungUp?.reason).toBe('max-duration');
  });
});

describe('Call: end', () => {
  it('ends once: closes the model session, stops the timers, and reports the reason', async () => {
    const f = await greetedCall({ settings: { timers } });
    const ended = f.call.whenEnded();
    f.call.handleTwilioMessage({ event: 'stop', sequenceNumber: '9', streamSid: STREAM_SID });
    f.call.streamClosed();
    await expect(ended).resolves.toBe('caller-hung-up');
    expect(f.port.closedWith).toBe('call ended');
    expect(f.line.hungUp).toBeUndefined();
    expect(f.clock.pendingTimers()).toBe(0);
  });

  it('sends keypad presses other than 0 to the model as the caller\'s words', async () => {
    const f = await greetedCall();
    f.call.handleTwilioMessage({ event: 'dtmf', sequenceNumber: '5', streamSid: STREAM_SID, dtmf: { track: 'inbound_track', digit: '5' } });
    expect(f.port.messages.at(-1)).toEqual({ role: 'user', text: expect.stringContaining('5') });
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['keypad']);
  });
});

describe('Call: what staff see and do (operator console)', () => {
  it('shows the call with its transcript in conversation order and its cart', async () => {
    const f = await greetedCall();
    f.port.emit(model.transcript('agent', 'item_2', 'That will be $14.', 3));
    f.port.emit(model.transcript('caller', 'item_1', 'One margherita', 2));
    expect(f.call.snapshot()).toEqual({
      callSid: 'CA0001',
      orgId: 'org_test',
      channel: 'phone',
      startedAt: '2026-11-24T18:00:00.000Z',
      transcript: [
        { role: 'caller', text: 'One margherita' },
        { role: 'agent', text: 'That will be $14.' },
      ],
      cart: { lines: [{ line: 1, name: 'Margherita', quantity: 1, description: '1 × Margherita', lineTotalCents: 1400 }], subtotalCents: 1400 },
    });
  });

  it("gives a staff note to the model as staff's (never the caller's), and keeps it for a replacement session", async () => {
    const f = await greetedCall();
    expect(f.call.whisper('The oven is backed up: quote 45 minutes.')).toBe(true);
    expect(f.port.messages.at(-1)).toEqual({ role: 'system', text: expect.stringMatching(/staff.*\n.*quote 45 minutes/s) });
    expect(f.port.requests).toEqual([]);
    f.port.emit(model.closed());
    await settle();
    expect(f.replacements[0]!.messages.at(-1)?.text).toContain('quote 45 minutes');
    expect(f.replacements[0]!.messages.filter((m) => m.role === 'user')).toEqual([]);
  });

  it('hands the call to staff on take-over, and refuses when no transfer is offered', async () => {
    const withNumber = await greetedCall({ transferNumber: '+15550100' });
    expect(withNumber.call.takeOver()).toBe(true);
    await settle();
    expect(withNumber.port.requests.map((r) => r.purpose)).toEqual(['transfer']);
    const without = await greetedCall();
    expect(without.call.takeOver()).toBe(false);
    expect(without.call.phase).toBe('live');
  });
});

describe('Call: shut down for a restart', () => {
  it('says what became of the order (here: not placed) in its last line, then hangs up once it was heard', async () => {
    const f = await greetedCall();
    const done = f.call.shutDown();
    expect(f.port.requests.map((r) => r.purpose)).toEqual(['wrap-up']);
    expect(f.port.requests[0]!.prompt).toMatch(/order was NOT placed/);
    f.port.emit(model.started('r1', 'wrap-up'));
    f.port.emit(model.audio('r1', 'item_1', 100));
    f.port.emit(model.done('r1'));
    await settle();
    expect(f.line.hungUp).toBeUndefined();
    for (const mark of f.line.marks()) echo(f.call, mark);
    await done;
    expect(f.line.hungUp?.reason).toBe('shutdown');
  });
});
