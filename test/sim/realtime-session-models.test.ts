import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { connect, type RealtimeTestClient } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/**
 * `session.update` fields that depend on the model: transcription models shut down on 2027-02-26 (openai 7.x
 * `AudioTranscription.model` docs), the transcription fields the 7.x type has (and only those), and `reasoning`.
 * Refusals are `error` events carrying the client's `event_id` and the offending `param`; the session stays as it was.
 */
const rt = useRealtimeFixture();

async function open(model: string, wall = '2026-12-03T12:00:00Z'): Promise<RealtimeTestClient> {
  const sim = await rt.start({ clock: new ManualClock(new Date(wall)) });
  const client = await connect(sim.url, { apiKey: sim.apiKey, model });
  await client.waitFor('session.created');
  return client;
}

/** Sends a session.update and returns the `error` it drew, or `undefined` when `session.updated` came instead. */
async function update(c: RealtimeTestClient, session: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const before = c.events.length;
  c.send({ type: 'session.update', event_id: 'evt_cfg', session: { type: 'realtime', ...session } });
  const reply = await c.log.waitFor((e) => c.events.indexOf(e) >= before && (e.type === 'error' || e.type === 'session.updated'));
  await c.close();
  return reply.type === 'error' ? (reply.error as Record<string, unknown>) : undefined;
}

const transcription = (fields: Record<string, unknown>) => ({ audio: { input: { transcription: fields } } });

describe('realtime sim: transcription models and fields', () => {
  it.each(['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe-2025-12-15', 'gpt-4o-transcribe-diarize'])(
    'refuses %s from 2027-02-26 with invalid_value on the model param and the client event_id',
    async (model) => {
      const before = await open('gpt-realtime-2.1', '2027-02-25T23:59:59Z');
      expect(await update(before, transcription({ model, language: 'en' }))).toBeUndefined();
      const after = await open('gpt-realtime-2.1', '2027-02-26T00:00:00Z');
      expect(await update(after, transcription({ model, language: 'en' }))).toEqual({
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: `Invalid value: '${model}'. Supported values are: 'gpt-transcribe', 'gpt-live-transcribe', 'gpt-realtime-whisper'.`,
        param: 'session.audio.input.transcription.model',
        event_id: 'evt_cfg',
      });
    },
  );

  it('takes gpt-live-transcribe with languages and keywords, and echoes them in session.updated', async () => {
    const c = await open('gpt-realtime-2.1', '2027-03-01T00:00:00Z');
    const fields = { model: 'gpt-live-transcribe', languages: ['en', 'es'], keywords: ['Margherita', 'calzone'] };
    c.send({ type: 'session.update', session: { type: 'realtime', ...transcription(fields) } });
    const updated = await c.waitFor('session.updated');
    expect((updated.session as any).audio.input.transcription).toEqual(fields);
    await c.close();
  });

  it('refuses fields the AudioTranscription type does not have (unknown_parameter)', async () => {
    const c = await open('gpt-realtime-2.1');
    expect(await update(c, transcription({ model: 'gpt-transcribe', vocabulary: ['x'] }))).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.audio.input.transcription.vocabulary',
      event_id: 'evt_cfg',
    });
  });

  it.each([
    ['keywords', { model: 'gpt-4o-mini-transcribe', keywords: ['pizza'] }],
    ['languages', { model: 'whisper-1', languages: ['en'] }],
    ['delay', { model: 'gpt-transcribe', delay: 'low' }],
    ['prompt', { model: 'gpt-realtime-whisper', prompt: 'pizza words' }],
  ])('refuses %s for a model the type docs do not list for it (unsupported_parameter)', async (field, fields) => {
    const c = await open('gpt-realtime-2.1');
    expect(await update(c, transcription(fields))).toMatchObject({
      code: 'unsupported_parameter',
      param: `session.audio.input.transcription.${field}`,
      event_id: 'evt_cfg',
    });
  });

  it('checks languages as ISO-639-1 codes and delay against its values', async () => {
    expect(await update(await open('gpt-realtime-2.1'), transcription({ model: 'gpt-transcribe', languages: ['en', 'english'] }))).toMatchObject({
      code: 'invalid_value',
      param: 'session.audio.input.transcription.languages[1]',
    });
    expect(await update(await open('gpt-realtime-2.1'), transcription({ model: 'gpt-realtime-whisper', delay: 'slow' }))).toMatchObject({
      code: 'invalid_value',
      param: 'session.audio.input.transcription.delay',
    });
  });
});

describe('realtime sim: reasoning', () => {
  it('takes reasoning.effort and parallel_tool_calls on reasoning models', async () => {
    expect(await update(await open('gpt-realtime-2.1'), { reasoning: { effort: 'low' }, parallel_tool_calls: true })).toBeUndefined();
    expect(await update(await open('gpt-realtime-2.1-mini'), { reasoning: { effort: 'minimal' } })).toBeUndefined();
  });

  it('refuses an effort outside RealtimeReasoningEffort', async () => {
    expect(await update(await open('gpt-realtime-2.1'), { reasoning: { effort: 'max' } })).toMatchObject({ code: 'invalid_value', param: 'session.reasoning.effort' });
  });

  it('refuses reasoning and parallel_tool_calls on models that do not reason', async () => {
    expect(await update(await open('gpt-realtime'), { reasoning: { effort: 'low' } })).toMatchObject({
      code: 'unsupported_parameter',
      message: "Unsupported parameter: 'session.reasoning' is not supported with this model.",
      param: 'session.reasoning',
      event_id: 'evt_cfg',
    });
    expect(await update(await open('gpt-realtime-1.5'), { parallel_tool_calls: true })).toMatchObject({ code: 'unsupported_parameter', param: 'session.parallel_tool_calls' });
  });
});
