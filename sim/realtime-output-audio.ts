/** Base64 payloads for assistant audio deltas, cached per format and size so that streaming costs no encoding. */
import type { RealtimeAudioFormats } from 'openai/resources/realtime/realtime';
import { tone } from './audio.js';

const cache = new Map<string, string>();
const MAX_CACHED = 256;

function rawAudio(format: RealtimeAudioFormats['type'], bytes: number): Buffer {
  if (format === 'audio/pcmu') return tone(Math.ceil(bytes / 8), 330, 3000).subarray(0, bytes);
  // A-law "silence" is 0xD5; pcm16 silence is zeros.
  return Buffer.alloc(bytes, format === 'audio/pcma' ? 0xd5 : 0);
}

export function audioPayload(format: RealtimeAudioFormats, bytes: number): string {
  const key = `${format.type}:${bytes}`;
  let payload = cache.get(key);
  if (payload === undefined) {
    payload = rawAudio(format.type, bytes).toString('base64');
    if (cache.size < MAX_CACHED) cache.set(key, payload);
  }
  return payload;
}

/** Delta sizes (bytes) that vary and are deliberately not whole 20 ms frames. */
export const DEFAULT_CHUNK_BYTES: readonly number[] = [800, 1200, 480, 2400, 344, 1600];
