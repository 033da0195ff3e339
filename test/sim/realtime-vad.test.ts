import { describe, expect, it } from 'vitest';
import { silence, tone } from '../../sim/audio.js';
import { say, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import type { VadOverrides } from '../../sim/realtime-test-client.js';
import { EnergyVad, type VadFormat } from '../../sim/realtime-vad.js';
import { useRealtimeFixture } from './realtime-fixture.js';

function runVad(chunks: Buffer[], threshold = 0.5, silenceDurationMs = 500, format: VadFormat = 'audio/pcmu') {
  const events: string[] = [];
  const vad = new EnergyVad(format, { threshold, silenceDurationMs }, {
    speechStarted: (ms) => events.push(`started@${ms}`),
    speechStopped: (ms) => events.push(`stopped@${ms}`),
  });
  for (const chunk of chunks) vad.push(chunk);
  return events;
}

function pcm16Tone(ms: number, amplitude: number): Buffer {
  const out = Buffer.alloc(ms * 48);
  for (let i = 0; i < ms * 24; i++) out.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 24000)), i * 2);
  return out;
}

describe('EnergyVad', () => {
  it('reports the onset of speech and its end plus the silence window', () => {
    expect(runVad([silence(400), tone(1000), silence(700)])).toEqual(['started@400', 'stopped@1900']);
  });

  it('gives the same answer whatever the chunking', () => {
    const audio = Buffer.concat([silence(400), tone(1000), silence(700)]);
    const odd: Buffer[] = [];
    for (let i = 0; i < audio.length; i += 77) odd.push(audio.subarray(i, i + 77));
    expect(runVad(odd)).toEqual(['started@400', 'stopped@1900']);
    expect(runVad([audio])).toEqual(['started@400', 'stopped@1900']);
  });

  it('ignores audio below the threshold and does not end a turn on a short pause', () => {
    expect(runVad([tone(500, 440, 200), silence(600)])).toEqual([]);
    expect(runVad([tone(500, 440, 200), silence(600)], 0.1)).toEqual(['started@0', 'stopped@1000']);
    expect(runVad([tone(300), silence(300), tone(300), silence(500)])).toEqual(['started@0', 'stopped@1400']);
  });

  it('reads pcm16 at 24 kHz when the input format is audio/pcm', () => {
    expect(runVad([Buffer.alloc(200 * 48), pcm16Tone(500, 8000), Buffer.alloc(600 * 48)], 0.5, 500, 'audio/pcm')).toEqual([
      'started@200',
      'stopped@1200',
    ]);
  });
});

describe('realtime sim server VAD', () => {
  const rt = useRealtimeFixture({ sim: { responder: () => [say('Okay.', 500)] } });
  const setup = (vad: VadOverrides, options: StartRealtimeSimOptions = {}, extra: Record<string, unknown> = {}) => rt.setup(options, vad, extra);

  it('emits speech_started / stopped / committed / item events with ms from appended bytes', async () => {
    const { c, session } = await setup({ prefix_padding_ms: 300, silence_duration_ms: 500, create_response: false });
    c.sendFrames(Buffer.concat([silence(1000), tone(1200), silence(600)]));
    const done = await c.waitFor('conversation.item.done');
    const started = await c.waitFor('input_audio_buffer.speech_started');
    const stopped = await c.waitFor('input_audio_buffer.speech_stopped');
    const committed = await c.waitFor('input_audio_buffer.committed');
    expect(started).toMatchObject({ audio_start_ms: 700 });
    expect(stopped).toMatchObject({ audio_end_ms: 2700, item_id: started.item_id });
    expect(committed).toMatchObject({ item_id: started.item_id, previous_item_id: null });
    expect(done.item).toMatchObject({ id: started.item_id, type: 'message', role: 'user', content: [{ type: 'input_audio' }] });
    const types = c.types();
    expect(types.slice(types.indexOf('input_audio_buffer.speech_started'))).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
    ]);
    await session.waitUntil(() => session.appendedBytes === 2800 * 8);
    expect(session.responses).toHaveLength(0);
  });

  it('does not pad before the start of the current buffer', async () => {
    const { c } = await setup({ prefix_padding_ms: 300, create_response: false });
    c.sendFrames(Buffer.concat([silence(100), tone(400)]));
    expect(await c.waitFor('input_audio_buffer.speech_started')).toMatchObject({ audio_start_ms: 0 });
  });

  it('sends the scripted transcript asynchronously when transcription is on', async () => {
    const { c } = await setup(
      { create_response: false },
      { transcribe: ({ turnIndex }) => `turn ${turnIndex}` },
      { audio: { input: { format: { type: 'audio/pcmu' }, transcription: { model: 'gpt-4o-mini-transcribe' } }, output: { format: { type: 'audio/pcmu' } } } },
    );
    c.sendFrames(Buffer.concat([tone(500), silence(800)]));
    const committed = await c.waitFor('input_audio_buffer.committed');
    const completed = await c.waitFor('conversation.item.input_audio_transcription.completed');
    expect(completed).toMatchObject({ item_id: committed.item_id, content_index: 0, transcript: 'turn 0', usage: { type: 'tokens' } });
    expect(c.types().indexOf('conversation.item.input_audio_transcription.completed')).toBeGreaterThan(c.types().indexOf('conversation.item.done'));
  });

  it('sends no transcription events when transcription is off', async () => {
    const { c } = await setup({ create_response: false });
    c.sendFrames(Buffer.concat([tone(500), silence(800)]));
    await c.waitFor('conversation.item.done');
    c.send({ type: 'input_audio_buffer.clear' });
    await c.waitFor('input_audio_buffer.cleared');
    expect(c.types().some((t) => t.startsWith('conversation.item.input_audio_transcription'))).toBe(false);
  });

  it('starts a response at speech stop when create_response is on, with the caller transcript in context', async () => {
    const seen: Array<{ trigger: string; userTranscript: string | null }> = [];
    const { c, session } = await setup(
      { create_response: true },
      { transcribe: () => 'a large margherita', responder: ({ trigger, userTranscript }) => (seen.push({ trigger, userTranscript }), [say('Sure.', 300)]) },
    );
    c.sendFrames(Buffer.concat([tone(500), silence(800)]));
    await c.waitFor('response.done');
    expect(session.responses.map((r) => r.trigger)).toEqual(['vad']);
    expect(seen).toEqual([{ trigger: 'vad', userTranscript: 'a large margherita' }]);
  });

  it('emits timeout_triggered after idle_timeout_ms of silence following the response audio', async () => {
    const { c, session } = await setup({ idle_timeout_ms: 1000 });
    c.send({ type: 'response.create' });
    await c.waitFor('response.done');
    c.sendFrames(silence(1400));
    await session.waitUntil(() => session.appendedMs === 1400);
    expect(session.sent.map((e) => e.type)).not.toContain('input_audio_buffer.timeout_triggered');
    c.sendFrames(silence(600));
    const timeout = await c.waitFor('input_audio_buffer.timeout_triggered');
    expect(timeout).toMatchObject({ audio_start_ms: 500, audio_end_ms: 1500 });
    expect(await c.waitFor('input_audio_buffer.committed')).toMatchObject({ item_id: timeout.item_id });
    await c.waitForNext('response.done');
    expect(session.responses.map((r) => r.trigger)).toEqual(['client', 'idle']);
  });
});
