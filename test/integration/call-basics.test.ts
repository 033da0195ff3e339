import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../../sim/realtime-server.js';
import { promptFor, requestedResponses } from '../helpers/prompts.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForCondition as waitFor, waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a call through the bridge', () => {
  it('greets first: GA session.update, response.create only after session.updated, and the caller hears it', async () => {
    h = await startHarness({ model: { sessionUpdatedDelayMs: 150 } });
    const call = await h.call();
    const session = await h.model.nextSession();
    expect(session.headers.authorization).toBe('Bearer sk-test');
    expect(session.headers['openai-beta']).toBeUndefined();
    expect(session.model).toBe('gpt-realtime-2.1');
    await call.waitForAudio(200);
    const update = session.received.find((e) => e.type === 'session.update') as unknown as { session: Record<string, any> };
    expect(update.session.type).toBe('realtime');
    expect(update.session.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(update.session.audio.output.format).toEqual({ type: 'audio/pcmu' });
    expect(update.session.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 500,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(update.session.instructions).toContain("Luigi's Pizzeria");
    const updatedAt = session.sent.findIndex((e) => e.type === 'session.updated');
    const greeting = session.responses[0]!;
    expect(greeting.trigger).toBe('client');
    expect(promptFor(session, 'greeting')).toContain("Thanks for calling Luigi's Pizzeria!");
    // The session's instructions (menu, rules) are never replaced for a response.
    expect(requestedResponses(session).every((r) => r.instructions === undefined)).toBe(true);
    expect(session.sent.findIndex((e) => e.type === 'response.created')).toBeGreaterThan(updatedAt);
    expect(session.received.filter((e) => e.type === 'response.create')).toHaveLength(1);
    expect(call.violations).toEqual([]);
  });

  it('passes μ-law through untouched both ways and buffers caller audio sent before the model was ready', async () => {
    h = await startHarness({ model: { sessionUpdatedDelayMs: 300 } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await session.waitForSent('session.updated', 3000);
    // Every frame sent so far (from the first one, before the model was ready) reaches the model, in order.
    await session.waitUntil(() => session.appendedBytes >= call.mediaFramesSent * 160 - 160 * 2 && call.mediaFramesSent > 20, 3000, 'early audio flushed');
    expect(session.appendedBytes % 160).toBe(0);
    await call.waitForAudio(300);
    expect(call.receivedBytes).toBeGreaterThan(0);
    expect(call.violations).toEqual([]);
  });

  it('runs a full turn: the caller speaks, the model answers, both transcripts are logged with the callSid', async () => {
    h = await startHarness({
      model: {
        responder: (ctx) => (ctx.trigger === 'client' ? [say('Hello, Luigi here.', 400)] : [say('A large margherita, got it.', 600)]),
        transcribe: () => 'One large margherita please',
      },
    });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForBotSilence(200, 5000);
    await call.waitForAudio(1); // greeting arrived
    const before = call.receivedMs;
    await call.say(700);
    await session.waitForSent((e) => e.type === 'input_audio_buffer.speech_stopped', 4000);
    await call.waitFor(() => call.receivedMs >= before + 600, 5000, 'the answer');
    await session.waitUntil(() => session.responses.some((r) => r.trigger === 'vad' && r.status === 'completed'), 3000, 'the answer to complete');
    await call.waitForBotSilence(100, 5000);
    const callerLine = await waitForLog(h, (l) => l.msg === 'caller said');
    expect(callerLine).toMatchObject({ callSid: call.callSid, streamSid: call.streamSid, orgId: 'org_luigis', caller: 'One large margherita please' });
    expect(h.logs.some((l) => l.msg === 'agent said' && l.agent === 'A large margherita, got it.')).toBe(true);
    await call.hangUp();
    const ended = await waitForLog(h, (l) => l.msg === 'call ended');
    expect(ended.transcript).toContain('Caller: One large margherita please');
    expect(ended.transcript).toContain('Agent: A large margherita, got it.');
    expect(call.violations).toEqual([]);
  });

  it('closes the model socket as soon as the caller hangs up, and forgets the call', async () => {
    h = await startHarness();
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(100);
    await call.hangUp();
    const closed = await session.closed;
    expect(closed.code).toBe(1000);
    await waitFor(() => h!.bridge.deps.calls.size === 0);
    const health = await fetch(`${h.httpUrl}/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', activeCalls: 0 });
    expect(await waitForLog(h, (l) => l.msg === 'call ended')).toMatchObject({ reason: 'caller-hung-up', callSid: call.callSid });
  });

  it('keeps two concurrent calls apart: one model session each, audio to the right stream', async () => {
    h = await startHarness({
      model: { responder: (ctx) => (ctx.trigger === 'client' ? [say(`Greeting ${ctx.sessionIndex}`, 400 + 400 * ctx.sessionIndex)] : []) },
    });
    const [a, b] = await Promise.all([h.call(), h.call()]);
    await a.waitFor(() => a.receivedMs + b.receivedMs >= 1200, 5000, 'both greetings');
    expect(h.model.sessions).toHaveLength(2);
    expect(new Set([a.receivedMs, b.receivedMs])).toEqual(new Set([400, 800]));
    const health = (await fetch(`${h.httpUrl}/health`).then((r) => r.json())) as { activeCalls: number };
    expect(health.activeCalls).toBe(2);
    await a.hangUp();
    await h.model.sessions.find((s) => s.sent.some((e) => e.type === 'response.output_audio_transcript.done' && (e as { transcript?: string }).transcript === 'Greeting 0'))!.closed;
    expect(b.isOpen).toBe(true);
    expect(h.model.sessions.filter((s) => s.isOpen)).toHaveLength(1);
    expect([...a.violations, ...b.violations]).toEqual([]);
  });

  it('never logs audio payloads or the API key', async () => {
    h = await startHarness();
    const call = await h.call();
    await call.waitForAudio(200);
    await call.say(300);
    await call.hangUp();
    await waitFor(() => h!.bridge.deps.calls.size === 0);
    const silenceFrame = Buffer.alloc(160, 0xff).toString('base64');
    const all = h.rawLogs.join('\n');
    expect(all).not.toContain(silenceFrame);
    expect(all).not.toContain('sk-test');
    expect(all).not.toContain('input_audio_buffer.append');
  });
});
