import { describe, expect, it } from 'vitest';
import type { Model } from 'openai/resources/models';
import { ManualClock } from '../../src/clock.js';
import { tryConnect } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/**
 * Retired and unknown models. The stand-in answers the handshake for a model that is gone as OpenAI's REST API answers
 * any request for one: HTTP 404 with `code: "model_not_found"` (for a retired model the message points at the
 * deprecations page). The upgrade is never accepted, so no session (and no billing) starts. A key without access to
 * an existing model (`allowedModels`) stays 403, as seen at the handshake.
 */
const rt = useRealtimeFixture();

const justBefore = (date: string) => new ManualClock(new Date(Date.parse(`${date}T00:00:00Z`) - 1000));

async function handshake(model: string) {
  return tryConnect(rt.sim.url, { apiKey: rt.sim.apiKey, model });
}

async function getModel(model: string, apiKey: string | null = rt.sim.apiKey) {
  const res = await fetch(`${rt.sim.httpUrl}/v1/models/${model}`, { headers: apiKey === null ? {} : { authorization: `Bearer ${apiKey}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('realtime sim: models shut down on their date', () => {
  it('accepts gpt-realtime until 2027-01-20, then refuses its handshake with 404 model_not_found', async () => {
    const clock = justBefore('2027-01-20');
    await rt.start({ clock });
    const before = await handshake('gpt-realtime');
    expect('client' in before).toBe(true);
    if ('client' in before) await before.client.close();

    clock.advance(1000);
    for (const model of ['gpt-realtime', 'gpt-realtime-2025-08-28', 'gpt-realtime-mini', 'gpt-realtime-mini-2025-10-06', 'gpt-realtime-mini-2025-12-15']) {
      const after = await handshake(model);
      expect(after).toMatchObject({ status: 404 });
      expect(JSON.parse((after as { body: string }).body)).toEqual({
        error: {
          message: `The model \`${model}\` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      });
    }
    expect(rt.sim.sessions).toHaveLength(1);
  });

  it('accepts the current models after that date and refuses unknown ones', async () => {
    await rt.start({ clock: new ManualClock(new Date('2027-06-01T00:00:00Z')) });
    for (const model of ['gpt-realtime-2.1', 'gpt-realtime-2.1-mini', 'gpt-realtime-2']) {
      const ok = await handshake(model);
      expect('client' in ok).toBe(true);
      if ('client' in ok) await ok.client.close();
    }
    const unknown = await handshake('gpt-realtime-9');
    expect(unknown).toMatchObject({ status: 404 });
    expect(JSON.parse((unknown as { body: string }).body).error.message).toBe('The model `gpt-realtime-9` does not exist or you do not have access to it.');
    expect(await handshake('gpt-live-transcribe')).toMatchObject({ status: 404 });
  });
});

describe('realtime sim: GET /v1/models/{model}', () => {
  it('answers the Model object with shutdown_date: the date for retiring models, null for current ones', async () => {
    await rt.start({ clock: new ManualClock(new Date('2026-12-03T12:00:00Z')) });
    const retiring = await getModel('gpt-realtime');
    expect(retiring.status).toBe(200);
    expect(retiring.body).toEqual({ id: 'gpt-realtime', object: 'model', created: 1756339200, owned_by: 'system', shutdown_date: '2027-01-20' } satisfies Model);
    expect((await getModel('gpt-realtime-2.1')).body).toMatchObject({ id: 'gpt-realtime-2.1', object: 'model', shutdown_date: null });
    expect((await getModel('gpt-4o-mini-transcribe')).body.shutdown_date).toBe('2027-02-26');
    expect((await getModel('gpt-live-transcribe')).body.shutdown_date).toBeNull();
    expect(rt.sim.modelRequests.map((r) => [r.model, r.status])).toEqual([
      ['gpt-realtime', 200],
      ['gpt-realtime-2.1', 200],
      ['gpt-4o-mini-transcribe', 200],
      ['gpt-live-transcribe', 200],
    ]);
  });

  it('answers 404 model_not_found for unknown and shut-down models', async () => {
    await rt.start({ clock: new ManualClock(new Date('2027-03-01T00:00:00Z')) });
    for (const model of ['gpt-nope', 'gpt-realtime', 'whisper-1']) {
      const { status, body } = await getModel(model);
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: null });
    }
  });

  it('needs the bearer key: 401 without one (code null) or with a wrong one (invalid_api_key)', async () => {
    await rt.start();
    expect(await getModel('gpt-realtime-2.1', null)).toMatchObject({ status: 401, body: { error: { code: null } } });
    const wrong = await getModel('gpt-realtime-2.1', 'sk-wrong-key-123');
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });
    expect(wrong.body.error.message).not.toContain('sk-wrong-key-123');
    expect(rt.sim.modelRequests.map((r) => r.authorized)).toEqual([false, false]);
  });

  it('can be slow (on the sim clock), fail, or never answer, for start-up tests', async () => {
    const clock = new ManualClock();
    await rt.start({ clock });
    rt.sim.modelsFault({ status: 503 });
    expect((await getModel('gpt-realtime-2.1')).status).toBe(503);

    rt.sim.modelsFault({ delayMs: 5000 });
    const slow = getModel('gpt-realtime-2.1');
    await expect.poll(() => rt.sim.modelRequests.length).toBe(2);
    expect(rt.sim.modelRequests[1]!.status).toBe(0);
    clock.advance(5000);
    expect((await slow).status).toBe(200);

    rt.sim.modelsFault('stall');
    const controller = new AbortController();
    const stalled = fetch(`${rt.sim.httpUrl}/v1/models/gpt-realtime-2.1`, { headers: { authorization: `Bearer ${rt.sim.apiKey}` }, signal: controller.signal });
    await expect.poll(() => rt.sim.modelRequests.length).toBe(3);
    controller.abort();
    await expect(stalled).rejects.toThrow();
    expect(rt.sim.modelRequests[2]!.status).toBe(0);
    rt.sim.modelsFault(null);
    expect((await getModel('gpt-realtime-2.1')).status).toBe(200);
  });
});
