/** Defaults for the stand-in's options. */
import { systemClock } from '../src/clock.js';
import { DEFAULT_CHUNK_BYTES } from './realtime-output-audio.js';
import { defaultResponder, defaultTranscribe } from './realtime-responder.js';
import { PromptCache } from './realtime-prompt-cache.js';
import type { RealtimeSimOptions, SessionUpdatedDelay } from './realtime-types.js';

type OptionalOptions = 'allowedModels' | 'maxSessionMs' | 'maxConcurrentSessions' | 'logger' | 'hangHandshake' | 'silentSession' | 'transcriptionUsage';

export type ResolvedOptions = Required<Omit<RealtimeSimOptions, OptionalOptions | 'sessionUpdatedDelayMs' | 'audioChunkBytes' | 'promptCaching'>> &
  Pick<RealtimeSimOptions, OptionalOptions> & {
    /** One cache for every session of the sim, as OpenAI's prompt cache serves every request of an organisation. */
    promptCache: PromptCache;
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
    promptCache: new PromptCache({ minTokens: 1024, blockTokens: 128, ...options.promptCaching }),
    lateTranscripts: options.lateTranscripts ?? false,
    transcriptionUsage: options.transcriptionUsage,
    silentSession: options.silentSession,
  };
}
