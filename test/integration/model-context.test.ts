import { afterEach, describe, expect, it } from 'vitest';
import { contextText, textsOf } from '../../sim/realtime-context.js';
import { callTool, say } from '../../sim/realtime-server.js';
import type { ResponseRecord } from '../../sim/realtime-types.js';
import { startHarness, type Harness } from '../helpers/bridge-harness.js';
import { outputs, stepResponder } from '../helpers/scripts.js';
import { waitForLog } from '../helpers/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const addPizza = callTool('add_item', { item: 'item_margherita', options: ['opt_large'] });
const addCola = callTool('add_item', { item: 'item_cola' });

/** The menu and the bridge's rules are in front of the model, in its instructions. */
function expectMenuAndRules(response: ResponseRecord, sessionInstructions: string): void {
  expect(response.context.instructions).toBe(sessionInstructions);
  expect(response.context.instructions).toContain('Margherita');
  expect(response.context.instructions).toMatch(/Never invent items, options or prices/);
}

describe('what the model sees', () => {
  it('every response, whatever its purpose, sees the menu, the rules and the cart; a replacement session gets the cart as a note', async () => {
    h = await startHarness({
      config: { SILENCE_REPROMPT_SECONDS: '1' },
      model: { responder: stepResponder([[say('Hi!', 200), addPizza], [say('One large margherita.', 300)], [say('Noted.', 200)], [say('Still there?', 200)], [say('We are back.', 200)]]) },
    });
    const call = await h.call();
    const first = await h.model.nextSession();
    await first.waitUntil(() => first.responses.length >= 2 && first.responses[1]!.status === 'completed', 5000, 'the follow-up');
    call.pressDigit('5');
    await first.waitUntil(() => first.responses.length >= 4, 8000, 'the keypad answer and a reprompt');
    const instructions = (first.received.find((e) => e.type === 'session.update') as unknown as { session: { instructions: string } }).session.instructions;
    const purposes = first.responses.map((r) => r.metadata?.purpose ?? r.trigger);
    expect(purposes).toEqual(expect.arrayContaining(['greeting', 'tool-followup', 'keypad', 'reprompt']));
    for (const response of first.responses) expectMenuAndRules(response, instructions);
    // Once an item is in the cart, it is in the conversation the model reads (the tool's result).
    for (const response of first.responses.slice(1)) expect(contextText(response.context)).toMatch(/Margherita Pizza|margherita/i);

    first.drop();
    const second = await h.model.nextSession(3000);
    await call.say(600);
    await second.waitUntil(() => second.responses.length >= 1, 8000, 'an answer in the new session');
    const restored = second.responses[0]!;
    expectMenuAndRules(restored, instructions);
    expect(textsOf(restored.context, 'system').some((t) => /order so far/.test(t) && /Margherita/.test(t))).toBe(true);
  });

  it('runs every function call of one response (a preamble, two calls, more speech) and asks for one follow-up', async () => {
    h = await startHarness({ model: { responder: stepResponder([[say('Let me add those.', 300), addPizza, addCola, say('Done adding.', 300)], [say('Two items.', 300)]]) } });
    await h.call();
    const session = await h.model.nextSession();
    await session.waitUntil(() => session.responses.length >= 2, 8000, 'the follow-up');
    expect(outputs(session).map((o) => o.ok)).toEqual([true, true]);
    const followUps = session.received.filter((e) => e.type === 'response.create' && JSON.stringify(e).includes('tool-followup'));
    expect(followUps).toHaveLength(1);
  });

  it('keeps the transcript in conversation order when the caller\'s words arrive after the agent\'s answer', async () => {
    h = await startHarness({ model: { lateTranscripts: true, transcribe: () => 'A cola please', responder: stepResponder([[say('Hi!', 200)], [say('One cola.', 300)]]) } });
    const call = await h.call();
    const session = await h.model.nextSession();
    await call.waitForAudio(200, 3000);
    await call.say(600);
    await session.waitUntil(() => session.responses.length >= 2 && session.responses[1]!.status === 'completed', 8000, 'the answer');
    await waitForLog(h, (l) => l.msg === 'caller said');
    await call.hangUp();
    const ended = await waitForLog(h, (l) => l.msg === 'call ended');
    const lines = String(ended.transcript).split('\n');
    expect(lines.findIndex((l) => l.includes('A cola please'))).toBeLessThan(lines.findIndex((l) => l.includes('One cola.')));
  });
});
