/**
 * Reading client events off the socket: JSON, a `type`, and the one event that is only counted
 * (`input_audio_buffer.append`, at most 15 MiB per event per the `InputAudioBufferAppendEvent` docs).
 */
import { base64ByteLength } from './audio.js';
import { simErrors, type SimError } from './realtime-errors.js';
import type { ReceivedEvent } from './realtime-types.js';

/** 15 MiB per `input_audio_buffer.append`, counted on the base64 string. */
export const MAX_APPEND_CHARS = 15 * 1024 * 1024;

export type Parsed = { event: ReceivedEvent } | { error: SimError; eventId: string | undefined };

export function clientEventId(event: Record<string, unknown>): string | undefined {
  return typeof event.event_id === 'string' ? event.event_id : undefined;
}

export function parseClientEvent(text: string, isBinary: boolean): Parsed {
  let value: unknown;
  try {
    value = isBinary ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: simErrors.invalidJson(), eventId: undefined };
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string') return { error: simErrors.missingType(), eventId: clientEventId(event) };
  return { event: event as ReceivedEvent };
}

/** The appended audio, nothing for an empty append, or the error the API sends. */
export function appendedAudio(event: ReceivedEvent): Buffer | undefined | SimError {
  const audio = event.audio;
  if (audio === undefined) return simErrors.missingParameter('audio');
  if (typeof audio !== 'string') return simErrors.invalidType('audio', 'a string', audio);
  if (audio.length > MAX_APPEND_CHARS) return simErrors.appendTooLarge(MAX_APPEND_CHARS, audio.length);
  return base64ByteLength(audio) === 0 ? undefined : Buffer.from(audio, 'base64');
}
