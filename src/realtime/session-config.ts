import type { RealtimeFunctionTool, RealtimeReasoningEffort, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
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
  /** The Realtime model (it goes in the URL; here it decides whether `reasoning` may be sent). */
  model: string;
  instructions: string;
  voice: string;
  tools: RealtimeFunctionTool[];
  transcription: {
    model: string;
    /** ISO-639-1 codes the caller may speak: transcription is guided by them, not pinned to one. */
    languages: string[];
    /** Words the transcriber should expect (the menu's item names). */
    keywords: string[];
  };
  /** For reasoning models only (gpt-realtime-2 and later). */
  reasoningEffort?: RealtimeReasoningEffort;
  vad?: VadSettings;
}

/** Keywords the bridge passes to the transcriber at most (a long menu is cut, keeping its first items). */
export const MAX_TRANSCRIPTION_KEYWORDS = 100;

/** Whether a Realtime model takes `reasoning` (`RealtimeReasoning` in the `openai` package: gpt-realtime-2 and later). */
export function isReasoningModel(model: string): boolean {
  return /^gpt-realtime-([2-9]|\d{2,})/.test(model);
}

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
        transcription: {
          model: settings.transcription.model,
          languages: [...new Set(settings.transcription.languages.map((l) => l.split('-')[0]!.toLowerCase()))],
          ...(settings.transcription.keywords.length > 0 ? { keywords: settings.transcription.keywords.slice(0, MAX_TRANSCRIPTION_KEYWORDS) } : {}),
        },
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
    ...(settings.reasoningEffort && isReasoningModel(settings.model) ? { reasoning: { effort: settings.reasoningEffort } } : {}),
  });
}
