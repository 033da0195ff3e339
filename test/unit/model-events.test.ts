import { describe, expect, it } from 'vitest';
import { parseModelEvent } from '../../src/realtime/events.js';

describe('parseModelEvent', () => {
  it('passes an audio delta through with a cheap check', () => {
    const ev = { type: 'response.output_audio.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAAA' };
    expect(parseModelEvent(JSON.stringify(ev))).toEqual({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', content_index: 0, delta: 'AAAA' });
  });

  it('refuses a delta that could break out of the Twilio JSON it is spliced into', () => {
    const ev = { type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', content_index: 0, delta: 'AA"}' };
    expect(parseModelEvent(JSON.stringify(ev))).toMatchObject({ type: 'invalid' });
  });

  it('validates the fields it reads, naming the bad one', () => {
    expect(parseModelEvent(JSON.stringify({ type: 'input_audio_buffer.speech_started', item_id: 'i' }))).toEqual({
      type: 'invalid',
      error: expect.stringContaining('audio_start_ms'),
    });
  });

  it('reads error codes and response.done status', () => {
    expect(parseModelEvent(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', code: 'session_expired', message: 'm', param: null } }))).toMatchObject({
      type: 'error',
      error: { code: 'session_expired' },
    });
    expect(parseModelEvent(JSON.stringify({ type: 'response.done', response: { id: 'r', status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, output: [], usage: null } }))).toMatchObject({
      type: 'response.done',
      response: { id: 'r', status: 'cancelled' },
    });
  });

  it('passes unknown types on as "other" and never fails on them', () => {
    expect(parseModelEvent(JSON.stringify({ type: 'rate_limits.updated', rate_limits: [] }))).toEqual({ type: 'other', rawType: 'rate_limits.updated' });
  });

  it('reports garbage as invalid', () => {
    expect(parseModelEvent('nope')).toMatchObject({ type: 'invalid' });
    expect(parseModelEvent('{"no":"type"}')).toMatchObject({ type: 'invalid' });
  });
});
