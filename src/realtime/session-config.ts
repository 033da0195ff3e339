import type { RealtimeFunctionTool, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { sessionUpdate } from './client-events.js';

/** Server VAD with every field explicit: the API's defaults differ between models and have changed before. */
export interface VadSettings {
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
  idleTimeoutMs: number | null;
  interruptResponse: boolean;
}

export const DEFAULT_VAD: VadSettings = {
  threshold: 0.5,
  prefixPaddingMs: 300,
  silenceDurationMs: 500,
  idleTimeoutMs: null,
  interruptResponse: true,
};

export interface SessionSettings {
  instructions: string;
  voice: string;
  tools: RealtimeFunctionTool[];
  /** ISO-639-1 language for input transcription (e.g. "en"). */
  language: string;
  vad?: VadSettings;
}

export const TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';

/** The GA `session.update`: μ-law both ways, untranscoded (`audio/pcmu`, the format Twilio streams). */
export function buildSessionUpdate(settings: SessionSettings): SessionUpdateEvent {
  const vad = settings.vad ?? DEFAULT_VAD;
  return sessionUpdate({
    type: 'realtime',
    output_modalities: ['audio'],
    instructions: settings.instructions,
    audio: {
      input: {
        format: { type: 'audio/pcmu' },
        transcription: { model: TRANSCRIPTION_MODEL, language: settings.language },
        noise_reduction: { type: 'near_field' },
        turn_detection: {
          type: 'server_vad',
          threshold: vad.threshold,
          prefix_padding_ms: vad.prefixPaddingMs,
          silence_duration_ms: vad.silenceDurationMs,
          idle_timeout_ms: vad.idleTimeoutMs,
          create_response: true,
          interrupt_response: vad.interruptResponse,
        },
      },
      output: { format: { type: 'audio/pcmu' }, voice: settings.voice },
    },
    tools: settings.tools,
    tool_choice: 'auto',
    max_output_tokens: 'inf',
  });
}
