import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function watchdogCount(h: Harness, why: string): Promise<number> {
  const metric = await h.bridge.deps.metrics.registry.getSingleMetric('voice_bridge_watchdog_total')!.get();
  return metric.values.find((v) => v.labels.peer === 'model' && v.labels.why === why)?.value ?? 0;
}

describe('a model that goes quiet', () => {
  it('replaces a session that takes the greeting request and never starts it, and the caller is greeted', async () => {
    h = await startHarness({
      config: { MODEL_RESPONSE_TIMEOUT_SECONDS: '1' },
      model: { onSession: (session) => session.index === 0 && session.goSilentOnNext('response.create') },
    });
    const call = await h.call();
    await call.waitForAudio(200, 8000);
    expect(h.model.sessions).toHaveLength(2);
    expect(h.model.sessions[1]!.responses[0]!.trigger).toBe('client');
    expect(await waitForLog(h, (l) => l.msg === 'the model did not start a response in time; replacing the session')).toMatchObject({ callSid: call.callSid });
    expect(await watchdogCount(h, 'no-response')).toBe(1);
    expect(call.isOpen).toBe(true);
  });

  it('replaces a session that stops answering pings, and the caller stays on the line', async () => {
    h = await startHarness({ config: { STREAM_PING_SECONDS: '2' } });
    const call = await h.call();
    const first = await h.model.nextSession();
    await call.waitForAudio(200, 5000);
    first.goSilent();
    const second = await h.model.nextSession(10_000);
    await second.waitForReceived('session.update', 3000);
    await second.waitUntil(() => second.appendedBytes > 160 * 5, 3000, 'caller audio in the new session');
    expect(await watchdogCount(h, 'no-pong')).toBe(1);
    expect(call.isOpen).toBe(true);
  });

  it('bounds a handshake that hangs and connects again', async () => {
    h = await startHarness({ config: { MODEL_CONNECT_TIMEOUT_SECONDS: '1' } });
    h.model.hangHandshakes(1);
    const call = await h.call();
    await call.waitForAudio(200, 8000);
    expect(await waitForLog(h, (l) => l.msg === 'model session did not open; trying once more')).toMatchObject({ callSid: call.callSid });
  });
});
