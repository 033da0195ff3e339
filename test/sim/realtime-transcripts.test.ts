import { describe, expect, it } from 'vitest';
import { silence, tone } from '../../sim/audio.js';
import { callTool, say, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import type { RealtimeTestClient } from '../../sim/realtime-test-client.js';
import { useRealtimeFixture } from './realtime-fixture.js';

/**
 * Caller transcripts: asynchronous to responses ("may come before or after the Response events", the
 * `ConversationItemInputAudioTranscriptionCompletedEvent` docs), with `usage` either by tokens or by duration.
 */
const rt = useRealtimeFixture({ sim: { transcribe: () => 'Two calzones, please.' } });

async function callerTurn(options: StartRealtimeSimOptions, model = 'gpt-live-transcribe'): Promise<RealtimeTestClient> {
  const { c } = await rt.setup(options, {}, { audio: { input: { format: { type: 'audio/pcmu' }, transcription: { model } }, output: { format: { type: 'audio/pcmu' } } } });
  c.sendFrames(Buffer.concat([tone(1000), silence(700)]));
  return c;
}

describe('realtime sim: caller transcripts', () => {
  it('lateTranscripts: the transcript of a turn arrives after the reply to that turn is done', async () => {
    const c = await callerTurn({ lateTranscripts: true, responder: () => [say('Two calzones, coming up.', 400)] });
    const completed = await c.waitFor('conversation.item.input_audio_transcription.completed');
    const types = c.types();
    expect(types.indexOf('response.done')).toBeLessThan(types.indexOf('conversation.item.input_audio_transcription.completed'));
    const committed = await c.waitFor('input_audio_buffer.committed');
    expect(completed).toMatchObject({ item_id: committed.item_id, content_index: 0, transcript: 'Two calzones, please.' });
  });

  it('by default the transcript comes right after the commit, before the reply is done', async () => {
    const c = await callerTurn({ responder: () => [say('Two calzones, coming up.', 400)] });
    await c.waitFor('response.done');
    const types = c.types();
    expect(types.indexOf('conversation.item.input_audio_transcription.completed')).toBeLessThan(types.indexOf('response.done'));
  });

  it('a late transcript also waits out a reply with several items and calls, and the item then carries it', async () => {
    const c = await callerTurn({ lateTranscripts: true, responder: (ctx) => (ctx.responseIndex === 0 ? [say('One moment.', 200), callTool('add_item', { id: 'calz' }), callTool('add_item', { id: 'calz' })] : []) });
    const completed = await c.waitFor('conversation.item.input_audio_transcription.completed');
    expect(c.types().filter((t) => t === 'response.function_call_arguments.done')).toHaveLength(2);
    c.send({ type: 'conversation.item.retrieve', item_id: completed.item_id });
    expect((await c.waitFor('conversation.item.retrieved')).item).toMatchObject({ role: 'user', content: [{ type: 'input_audio', transcript: 'Two calzones, please.' }] });
  });

  it('token usage for gpt-live-transcribe: audio in, text out', async () => {
    const c = await callerTurn({ responder: () => [] });
    const { usage } = await c.waitFor('conversation.item.input_audio_transcription.completed');
    const committedMs = (await c.waitFor('input_audio_buffer.speech_stopped')).audio_end_ms as number;
    expect(usage).toEqual({ type: 'tokens', input_tokens: committedMs / 100, output_tokens: 6, total_tokens: committedMs / 100 + 6, input_token_details: { audio_tokens: committedMs / 100, text_tokens: 0 } });
  });

  it('duration usage for whisper-1 (billed by the second), or when asked for', async () => {
    const whisper = await callerTurn({ responder: () => [] }, 'whisper-1');
    expect((await whisper.waitFor('conversation.item.input_audio_transcription.completed')).usage).toEqual({ type: 'duration', seconds: 1.2 });
    const asked = await callerTurn({ responder: () => [], transcriptionUsage: 'duration' });
    expect((await asked.waitFor('conversation.item.input_audio_transcription.completed')).usage).toEqual({ type: 'duration', seconds: 1.2 });
  });
});
