import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../../sim/realtime-server.js';
import type { SimCall } from '../../sim/twilio-caller.js';
import type { SimSession } from '../../sim/realtime-session.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CHUNK_MS = 100;
const silentAfterGreeting = (greetingMs: number | number[]) => ({
  audioChunkBytes: CHUNK_MS * 8,
  responder: (ctx: { trigger: string }) =>
    ctx.trigger === 'client' ? (Array.isArray(greetingMs) ? greetingMs : [greetingMs]).map((ms, i) => say(`part ${i}`, ms)) : [],
});

async function interruptAfter(call: SimCall, session: SimSession, playedMs: number) {
  await call.waitFor(() => call.playedMs >= playedMs, 5000, `${playedMs} ms played`);
  void call.say(600);
  const clearAt = await call.waitForClear(3000);
  const heardBeforeClear = call.segmentsPlayedMs[0]!;
  await session.waitUntil(() => session.truncations.length > 0, 3000, 'a truncate');
  return { clearAt, heardBeforeClear };
}

describe('barge-in', () => {
  it('clears Twilio, truncates at what the caller heard (≤ played + 50 ms), and lets the server cancel', async () => {
    h = await startHarness({ model: { ...silentAfterGreeting(4000), generationSpeed: 2, lateDeltasOnCancel: 3 } });
    const call = await h.call();
    const session = await h.model.nextSession();
    const { clearAt, heardBeforeClear } = await interruptAfter(call, session, 700);

    const [t] = session.truncations;
    expect(t!.audioEndMs).toBeLessThanOrEqual(heardBeforeClear + 50 + 1);
    expect(t!.audioEndMs).toBeGreaterThanOrEqual(heardBeforeClear - CHUNK_MS - 1);
    expect(t!.audioEndMs).toBeLessThanOrEqual(t!.itemAudioMs);
    expect(Number.isInteger(t!.audioEndMs)).toBe(true);

    await session.waitUntil(() => session.responses[0]!.status === 'cancelled', 3000, 'the greeting to be cancelled');
    expect(session.responses[0]!.cancelReason).toBe('turn_detected');
    // interrupt_response is on, so the bridge must not cancel itself (it would only draw response_cancel_not_active).
    expect(session.received.some((e) => e.type === 'response.cancel')).toBe(false);
    // Input audio is never cleared on barge-in: the caller's own words stay.
    expect(session.received.some((e) => e.type === 'input_audio_buffer.clear')).toBe(false);

    // Late deltas of the cancelled response never reach the caller.
    await session.waitUntil(() => session.responses.length >= 2 && session.responses.every((r) => r.status !== 'in_progress'), 4000, 'responses to finish');
    expect(session.sent.filter((e) => e.type === 'response.output_audio.delta').length).toBeGreaterThan(0);
    expect(call.received.filter((m) => m.at > clearAt)).toEqual([]);
    // Marks pending at the clear were echoed back as cleared and the call carries on.
    expect(call.markEchoes.some((m) => m.reason === 'cleared')).toBe(true);
    expect(call.isOpen).toBe(true);
    expect(call.violations).toEqual([]);
    expect(await waitForLog(h, (l) => l.msg === 'barge-in')).toMatchObject({ callSid: call.callSid });
  });

  it('clears and truncates even when every delta was already forwarded and the response is done', async () => {
    h = await startHarness({ model: { ...silentAfterGreeting(3000), generationSpeed: Infinity } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.responses[0]?.status === 'completed', 3000, 'greeting generated');
    await call.waitFor(() => call.receivedMs >= 3000, 3000, 'all greeting audio forwarded');
    const { heardBeforeClear } = await interruptAfter(call, session, 500);
    expect(session.truncations[0]!.audioEndMs).toBeLessThanOrEqual(heardBeforeClear + 51);
    expect(session.truncations[0]!.audioEndMs).toBeGreaterThanOrEqual(heardBeforeClear - CHUNK_MS - 1);
    expect(call.bufferedMs).toBe(0);
  });

  it('truncates each item of a multi-item response on its own: the playing one at the heard point, later ones at 0', async () => {
    h = await startHarness({ model: { ...silentAfterGreeting([1500, 1500]), generationSpeed: Infinity } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitFor(() => call.receivedMs >= 3000, 3000, 'both items forwarded');
    const { heardBeforeClear } = await interruptAfter(call, session, 400);
    await session.waitUntil(() => session.truncations.length === 2, 3000, 'two truncates');
    const items = session.responses[0]!.items.map((i) => i.id);
    const [first, second] = session.truncations;
    expect(first!.itemId).toBe(items[0]);
    expect(first!.audioEndMs).toBeLessThanOrEqual(heardBeforeClear + 51);
    expect(second!.itemId).toBe(items[1]);
    expect(second!.audioEndMs).toBe(0);
  });

  it('sends response.cancel itself when the session has interrupt_response off', async () => {
    h = await startHarness({
      model: { ...silentAfterGreeting(5000), generationSpeed: 1.5 },
      editSessionUpdate: (u) => {
        const td = u.session.audio!.input!.turn_detection as { interrupt_response: boolean };
        td.interrupt_response = false;
        return u;
      },
    });
    const call = await h.call();
    const session = await h.model.nextSession();
    await interruptAfter(call, session, 400);
    await session.waitForReceived('response.cancel', 3000);
    await session.waitUntil(() => session.responses[0]!.status === 'cancelled', 3000, 'cancelled');
    expect(session.responses[0]!.cancelReason).toBe('client_cancelled');
    expect(call.clears.length).toBe(1);
  });

  it('does nothing when the caller speaks while the agent is silent', async () => {
    h = await startHarness({ model: silentAfterGreeting(300) });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitFor(() => call.playedMs >= 300 && call.bufferedMs === 0, 3000, 'greeting played');
    await session.waitUntil(() => session.responses[0]!.status === 'completed', 3000, 'greeting done');
    await call.waitFor(() => call.markEchoes.length === call.marksReceived.length, 3000, 'all marks echoed');
    await call.say(600);
    await session.waitForSent('input_audio_buffer.speech_stopped', 3000);
    expect(call.clears).toEqual([]);
    expect(session.truncations).toEqual([]);
  });
});
