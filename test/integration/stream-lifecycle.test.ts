import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForCondition, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('stream lifecycle', () => {
  it('closes a WebSocket that sends no valid start within 5 s with 1008, and never opens a model session for it', async () => {
    const clock = new ManualClock();
    h = await startHarness({ clock });
    const call = await h.call({ sendStart: false });
    await waitForCondition(() => clock.pendingTimers() > 0);
    call.sendRaw(JSON.stringify({ event: 'media', streamSid: 'MZx', media: { payload: 'AAAA' } }));
    clock.advance(4999);
    // The start timer runs inside advance(): had it fired, the socket would no longer be waiting for its start.
    expect(h.bridge.deps.streamGate.waitingForStart).toBe(1);
    clock.advance(1);
    expect(h.bridge.deps.streamGate.waitingForStart).toBe(0);
    const closed = await call.waitForClose(3000);
    expect(closed.code).toBe(1008);
    expect(h.model.sessions).toHaveLength(0);
  });

  it('refuses a start without an orgId (1008) without opening a model session', async () => {
    h = await startHarness();
    const call = await h.call({ customParameters: { orgId: '' } });
    expect((await call.waitForClose(3000)).code).toBe(1008);
    expect(h.model.sessions).toHaveLength(0);
  });

  it('reads the orgId from the query string for older setups', async () => {
    h = await startHarness();
    const call = await h.call({ url: `${h.wsUrl}?orgId=org_luigis`, customParameters: {} });
    await call.waitForAudio(100, 3000);
    expect(h.model.sessions).toHaveLength(1);
  });

  it('drops malformed, binary and foreign-stream messages without harming the call', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    call.sendRaw('not json');
    call.sendRaw(Buffer.from([1, 2, 3]));
    call.sendRaw(JSON.stringify({ event: 'media', streamSid: call.streamSid, media: { payload: '"}],"x":"' } }));
    call.sendRaw(JSON.stringify({ event: 'media', streamSid: 'MZ_someone_else', media: { payload: 'AAAA' } }));
    call.sendRaw(JSON.stringify({ event: 'surprise', streamSid: call.streamSid }));
    call.sendRaw(JSON.stringify({ event: 'mark', sequenceNumber: 9, streamSid: call.streamSid, mark: { name: 'x' } }));
    await waitForLog(h, (l) => l.msg === 'binary frame refused (Twilio sends text only)');
    await waitForCondition(() => h!.logs.filter((l) => l.msg === 'invalid Twilio message dropped').length >= 5);
    const appendedBefore = session.appendedBytes;
    await session.waitUntil(() => session.appendedBytes >= appendedBefore + 160 * 10, 3000, 'audio still flowing');
    expect(session.appendedBytes % 4).toBe(0);
    expect(call.isOpen).toBe(true);
    expect(session.isOpen).toBe(true);
  });

  it('refuses a frame over 64 KiB by closing that stream only; other calls and the server carry on', async () => {
    h = await startHarness();
    const [bad, good] = await Promise.all([h.call(), h.call()]);
    await Promise.all([bad.waitForAudio(50), good.waitForAudio(50)]);
    bad.sendRaw(JSON.stringify({ event: 'media', streamSid: bad.streamSid, media: { payload: 'A'.repeat(70_000) } }));
    // ws answers 1009 (message too big) and drops the connection; the close frame may not make it back.
    const closed = await bad.waitForClose(3000);
    expect([1009, 1006]).toContain(closed.code);
    expect(closed.by).toBe('bridge');
    await waitForCondition(() => h!.bridge.deps.calls.size === 1);
    const before = good.receivedMs;
    await good.say(600);
    expect(good.isOpen).toBe(true);
    expect((await fetch(`${h.httpUrl}/health`)).status).toBe(200);
    await good.waitFor(() => good.receivedMs > before, 5000, 'the good call still answered');
  });

  it('ends the call cleanly when the model socket drops and cannot be reopened (the caller is not left in silence)', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    h.model.refuseHandshakes(503);
    session.drop();
    const closed = await call.waitForClose(3000);
    expect(closed.by).toBe('bridge');
    const line = await waitForLog(h, (l) => l.msg === 'model socket closed');
    expect(line).toMatchObject({ code: 1006, callSid: call.callSid });
    await waitForCondition(() => h!.bridge.deps.calls.size === 0);
  });

  it('ends the call on a fatal model error, and shrugs off benign ones at debug level', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    session.sendError({ type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found', param: null });
    expect(await waitForLog(h, (l) => l.msg === 'benign model error')).toMatchObject({ level: 20, code: 'response_cancel_not_active' });
    expect(call.isOpen).toBe(true);
    session.fail('insufficient_quota');
    expect((await call.waitForClose(3000)).by).toBe('bridge');
    expect(await waitForLog(h, (l) => l.msg === 'fatal model error')).toMatchObject({ code: 'insufficient_quota' });
    await session.closed;
  });

  it('ends the call when the model refuses the handshake', async () => {
    h = await startHarness();
    h.model.refuseHandshakes(401);
    const call = await h.call();
    expect((await call.waitForClose(5000)).by).toBe('bridge');
    expect(await waitForLog(h, (l) => l.msg === 'could not open the model session')).toMatchObject({ code: 'http_401' });
  });
});
