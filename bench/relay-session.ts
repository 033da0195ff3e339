/** What both relays of the benchmark (`reference-relay.ts`, and its byte-reading variant `byte-relay.ts`) share. */
import { buildSessionUpdate } from '../src/realtime/session-config.js';

export interface ReferenceRelayOptions {
  port: number;
  host?: string;
  /** `ws://…/v1/realtime` of the model. */
  modelUrl: string;
  apiKey: string;
  model?: string;
  /** Read and write bytes with the bridge's fast-path readers and builders instead of JSON (the `floor` target). */
  bytes?: boolean;
}

// The same session the bridge asks for, so every target makes the model do the same work.
export const SESSION_UPDATE = JSON.stringify(
  buildSessionUpdate({ model: 'gpt-realtime-2.1', instructions: 'You take phone orders for a restaurant.', voice: 'marin', tools: [], transcription: { model: 'gpt-live-transcribe', languages: ['en'], keywords: [] } }),
);
export const GREETING = JSON.stringify({ type: 'response.create', response: { instructions: 'Greet the caller.' } });
export const MAX_BUFFERED_FRAMES = 500;
