/**
 * Process entry of the reference relay, configured like the real server:
 * PORT, HOST, OPENAI_REALTIME_URL, OPENAI_API_KEY, OPENAI_REALTIME_MODEL; RELAY_BYTES=1 for the byte relay (`floor`).
 */
import { startReferenceRelay } from './reference-relay.js';

const env = process.env;
const relay = await startReferenceRelay({
  port: Number(env.PORT ?? 0),
  host: env.HOST ?? '127.0.0.1',
  modelUrl: env.OPENAI_REALTIME_URL ?? 'ws://127.0.0.1:1/v1/realtime',
  apiKey: env.OPENAI_API_KEY ?? '',
  model: env.OPENAI_REALTIME_MODEL ?? 'gpt-realtime',
  bytes: env.RELAY_BYTES === '1',
});
const shutdown = () => void relay.close().then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
