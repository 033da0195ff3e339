/** Defaults for the stand-in's options. */
import { systemClock } from '../src/clock.js';
import { DEFAULT_CHUNK_BYTES } from './realtime-output-audio.js';
import { defaultResponder, defaultTranscribe } from './realtime-responder.js';
import type { RealtimeSimOptions, SessionUpdatedDelay } from './realtime-types.js';

type OptionalOptions = 'allowedModels' | 'maxSessionMs' | 'maxConcurrentSessions' | 'logger' | 'hangHandshake' | 'silentSession';

export type ResolvedOptions = Required<Omit<RealtimeSimOptions, OptionalOptions | 'sessionUpdatedDelayMs' | 'audioChunkBytes'>> &
  Pick<RealtimeSimOptions, OptionalOptions> & {
    audioChunkBytes: readonly number[];
    sessionUpdatedDelay: (sessionIndex: number) => SessionUpdatedDelay;
  };

export function resolveOptions(options: RealtimeSimOptions): ResolvedOptions {
  const delay = options.sessionUpdatedDelayMs ?? 0;
  const chunks = options.audioChunkBytes ?? DEFAULT_CHUNK_BYTES;
  return {
    apiKey: options.apiKey ?? 'sk-test-realtime-sim',
    allowedModels: options.allowedModels,
    responder: options.responder ?? defaultResponder,
    transcribe: options.transcribe ?? defaultTranscribe,
    transcriptionDelayMs: options.transcriptionDelayMs ?? 0,
    audioChunkBytes: typeof chunks === 'number' ? [chunks] : chunks,
    generationSpeed: options.generationSpeed ?? 10,
    generationTickMs: options.generationTickMs ?? 40,
    responseLatencyMs: options.responseLatencyMs ?? 0,
    lateDeltasOnCancel: options.lateDeltasOnCancel ?? 2,
    sessionUpdatedDelay: typeof delay === 'function' ? delay : () => delay,
    maxSessionMs: options.maxSessionMs,
    maxConcurrentSessions: options.maxConcurrentSessions,
    recordSentEvents: options.recordSentEvents ?? true,
    retainClosedSessions: options.retainClosedSessions ?? true,
    clock: options.clock ?? systemClock,
    logger: options.logger,
    hangHandshake: options.hangHandshake,
    silentSession: options.silentSession,
  };
}
