import { describe, expect, it } from 'vitest';
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import { say } from '../../sim/realtime-server.js';
import { connectConfigured, type RealtimeTestClient } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/**
 * `response.done` usage with cached tokens: the longest prefix of (instructions, tools, items) an earlier prompt of
 * the same sim started with, from 1024 tokens on, in 128-token steps (the approximation in realtime-prompt-cache.ts).
 * The cache spans the sim's sessions, as OpenAI's spans an organisation's requests, so call-to-call reuse shows.
 */
const rt = useRealtimeFixture({ vad: { create_response: false }, sim: { responder: () => [say('Sure.', 200)] } });

const ORG_PROMPT = 'You take orders for Luigi\'s. Rules: never promise allergen-free food. Menu: ' + 'margherita 12.50; calzone 14.00; '.repeat(200);

async function respond(c: RealtimeTestClient): Promise<RealtimeResponseUsage> {
  const before = c.events.length;
  c.send({ type: 'response.create' });
  const done = await c.log.waitFor((e) => e.type === 'response.done' && c.events.indexOf(e) >= before);
  return (done.response as { usage: RealtimeResponseUsage }).usage;
}

async function call(instructions: string): Promise<RealtimeTestClient> {
  return connectConfigured(rt.sim, { create_response: false }, { instructions });
}

describe('realtime sim: cached tokens', () => {
  it('the first prompt is not cached; the next response of the call reuses the whole unchanged prefix', async () => {
    const { c } = await rt.setup({}, { create_response: false }, { instructions: ORG_PROMPT });
    const first = await respond(c);
    expect(first.input_token_details).toMatchObject({ cached_tokens: 0, cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 } });
    const second = await respond(c);
    const cached = second.input_token_details!.cached_tokens!;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.input_tokens!);
    expect(second.input_tokens! - cached).toBeLessThan(256);
    expect(second.input_token_details!.cached_tokens_details!.text_tokens).toBe(cached);
  });

  it('per-call details placed last keep the org prompt cached across calls; placed first, nothing is cached', async () => {
    await rt.start({ responder: () => [say('Hi.', 200)] });
    await respond(await call(`${ORG_PROMPT}\nCaller: +15550001. Time: 18:02.`));
    const last = await respond(await call(`${ORG_PROMPT}\nCaller: +15550002. Time: 18:05.`));
    expect(last.input_token_details!.cached_tokens).toBeGreaterThanOrEqual(Math.floor(ORG_PROMPT.length / 4 / 128) * 128 - 128);

    const first = await respond(await call(`Caller: +15550003. Time: 18:09.\n${ORG_PROMPT}`));
    expect(first.input_token_details!.cached_tokens).toBe(0);
  });

  it('below 1024 tokens nothing is cached; the thresholds can be lowered for small test prompts', async () => {
    const { c } = await rt.setup({}, { create_response: false }, { instructions: 'Short prompt.' });
    await respond(c);
    expect((await respond(c)).input_token_details!.cached_tokens).toBe(0);
    const small = await rt.setup({ promptCaching: { minTokens: 0, blockTokens: 1 } }, { create_response: false }, { instructions: 'Short prompt.' });
    await respond(small.c);
    expect((await respond(small.c)).input_token_details!.cached_tokens).toBeGreaterThan(0);
  });

  it('counts input as the context the model reads: usage totals add up', async () => {
    const { c } = await rt.setup({}, { create_response: false }, { instructions: ORG_PROMPT });
    const usage = await respond(c);
    expect(usage.input_tokens).toBe(usage.input_token_details!.text_tokens! + usage.input_token_details!.audio_tokens!);
    expect(usage.total_tokens).toBe(usage.input_tokens! + usage.output_tokens!);
    expect(usage.output_token_details!.audio_tokens).toBe(4);
  });
});
