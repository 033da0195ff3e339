/**
 * Public data shapes of the OpenAI Realtime GA stand-in: options, the responder contract and what a session records.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type {
  AudioTranscription,
  RealtimeAudioFormats,
  RealtimeResponseCreateParams,
  RateLimitsUpdatedEvent,
  RealtimeServerEvent,
  RealtimeToolChoiceConfig,
  RealtimeTruncation,
} from 'openai/resources/realtime/realtime';
import type { Clock } from '../src/clock.js';
import type { Logger } from '../src/logger.js';
import type { ModelContext } from './realtime-context.js';
import type { PromptCacheSettings } from './realtime-prompt-cache.js';

/** The wire sends `null` in places where the SDK types only say "optional"; this keeps the literals type-checked. */
export const wireNull = null as never;

export interface ServerVadConfig {
  type: 'server_vad';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
  idle_timeout_ms: number | null;
  create_response: boolean;
  interrupt_response: boolean;
}

export interface SemanticVadConfig {
  type: 'semantic_vad';
  eagerness: 'low' | 'medium' | 'high' | 'auto';
  create_response: boolean;
  interrupt_response: boolean;
}

export type TurnDetectionConfig = ServerVadConfig | SemanticVadConfig;

export interface FunctionToolConfig {
  type: 'function';
  name: string;
  description?: string;
  parameters?: unknown;
}

/** The full effective session, as sent in `session.created` / `session.updated`. */
export interface EffectiveSession {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: Array<'audio' | 'text'>;
  instructions: string;
  tools: FunctionToolConfig[];
  tool_choice: RealtimeToolChoiceConfig;
  max_output_tokens: number | 'inf';
  tracing: unknown;
  prompt: unknown;
  include: string[] | null;
  truncation: RealtimeTruncation;
  expires_at: number;
  audio: {
    input: {
      format: RealtimeAudioFormats;
      transcription: AudioTranscription | null;
      noise_reduction: { type: 'near_field' | 'far_field' } | null;
      turn_detection: TurnDetectionConfig | null;
    };
    output: { format: RealtimeAudioFormats; voice: string | { id: string }; speed: number };
  };
}

/** One spoken assistant item: `ms` of audio in the output format, with its transcript streamed alongside. */
export interface ScriptedAudioItem {
  kind: 'audio';
  ms: number;
  transcript: string;
  /** Delta sizes in bytes, cycled (overrides the server's `audioChunkBytes`). */
  chunkBytes?: number | readonly number[];
}

export interface ScriptedFunctionCall {
  kind: 'function_call';
  name: string;
  /** Sent verbatim if a string, else JSON-encoded once. */
  arguments: string | Record<string, unknown>;
  callId?: string;
}

/** A text item: sent as `response.output_text.*` in a text response, spoken in an audio one. */
export interface ScriptedTextItem {
  kind: 'text';
  text: string;
}

export type ScriptedItem = ScriptedAudioItem | ScriptedTextItem | ScriptedFunctionCall;

export interface ScriptedFailure {
  code: string;
  type?: string;
  message?: string;
}

export interface ScriptedResponse {
  items?: ScriptedItem[];
  /** Ends the response with `status:"failed"` after its items (`status_details.error` = `{ type, code, message }`). */
  failure?: ScriptedFailure;
  /** Ends the response with `status:"incomplete"`: its last item is cut short and left `incomplete`. */
  incomplete?: 'max_output_tokens' | 'content_filter';
  /** The `rate_limits.updated` sent at the start of this response (default: plenty left). */
  rateLimits?: RateLimitsUpdatedEvent.RateLimit[];
}

export type ResponseTrigger = 'client' | 'vad' | 'idle';

export interface FunctionOutputRecord {
  itemId: string;
  callId: string;
  output: string;
}

export interface ResponderContext {
  trigger: ResponseTrigger;
  /** The `response` payload of the client's `response.create` (undefined for VAD and idle responses). */
  request: RealtimeResponseCreateParams | undefined;
  session: Readonly<EffectiveSession>;
  /** What the model sees for this response (instructions, tools, items in order). */
  context: ModelContext;
  /** `conversation: "none"`: an out-of-band response (e.g. a summary), not added to the conversation. */
  outOfBand: boolean;
  /** Scripted transcript of the user turn that triggered this response, else of the latest user turn. */
  userTranscript: string | null;
  functionOutputs: readonly FunctionOutputRecord[];
  /** Function outputs received since the previous response started. */
  newFunctionOutputs: readonly FunctionOutputRecord[];
  sessionIndex: number;
  /** 0 for the first response of the session. */
  responseIndex: number;
  /** Number of user audio turns committed so far. */
  turnIndex: number;
}

export type ResponderResult = ScriptedItem[] | ScriptedResponse;
export type Responder = (ctx: ResponderContext) => ResponderResult | Promise<ResponderResult>;

export interface TranscriptContext {
  sessionIndex: number;
  turnIndex: number;
  audioMs: number;
}

export type SessionUpdatedDelay = number | 'never';

export interface RealtimeSimOptions {
  apiKey?: string;
  /** Models that may connect (others get 403). Default: any. */
  allowedModels?: readonly string[];
  responder?: Responder;
  /** Scripted caller transcript per committed user turn. */
  transcribe?: (ctx: TranscriptContext) => string;
  /** Delay of `input_audio_transcription.completed` after the commit. Default 0 (next tick). */
  transcriptionDelayMs?: number;
  /** Output audio delta sizes in bytes, cycled. Default a varied list that is not frame-aligned. */
  audioChunkBytes?: number | readonly number[];
  /** Audio generated per wall-clock ms (×real time). Default 10; `Infinity` sends one delta per event-loop turn. */
  generationSpeed?: number;
  /** Wall-clock ms between generation ticks when paced. Default 40. */
  generationTickMs?: number;
  /** Delay between `response.created` and the first output item. Default 0. */
  responseLatencyMs?: number;
  /** Audio deltas still sent after a cancel, before `output_audio.done`. Default 2. */
  lateDeltasOnCancel?: number;
  /** Delay or withhold `session.updated`; a function gets the session index. Default 0. */
  sessionUpdatedDelayMs?: SessionUpdatedDelay | ((sessionIndex: number) => SessionUpdatedDelay);
  /** Expire sessions (`session_expired`, close 1001) after this long. Default: never. */
  maxSessionMs?: number;
  /** Refuse handshakes beyond this many open sessions (HTTP 429). */
  maxConcurrentSessions?: number;
  /** Leave this upgrade request unanswered (0 = the first handshake); see also `sim.hangHandshakes(count)`. */
  hangHandshake?: (handshakeIndex: number) => boolean;
  /** Open this session (HTTP 101) but never send anything on it, not even `session.created`, nor answer pings. */
  silentSession?: (sessionIndex: number) => boolean;
  /** Cached-token accounting for usage (shared by the sim's sessions). Default 1024-token minimum, 128-token steps. */
  promptCaching?: Partial<PromptCacheSettings>;
  /** Hold each caller transcript until the response to that turn is done, as a slow transcriber does. Default false. */
  lateTranscripts?: boolean;
  /** Usage on `input_audio_transcription.completed`; default by model (`whisper-1`: duration, others: tokens). */
  transcriptionUsage?: 'tokens' | 'duration';
  /** Keep every server event a session sends (for `waitForSent`). Turn off for benchmarks. Default true. */
  recordSentEvents?: boolean;
  /** Keep closed sessions in `sim.sessions`. Turn off for benchmarks. Default true. */
  retainClosedSessions?: boolean;
  clock?: Clock;
  logger?: Logger;
}

export interface ResponseItemRecord {
  id: string;
  kind: 'audio' | 'text' | 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  /** Audio bytes sent for this item (audio items). */
  audioBytes: number;
  /** What the item said: the audio transcript, or the text. */
  transcript: string;
  name?: string;
  callId?: string;
  arguments?: string;
}

export interface ResponseRecord {
  id: string;
  trigger: ResponseTrigger;
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';
  cancelReason?: 'turn_detected' | 'client_cancelled';
  /** The effective instructions: the response's own (they replace the session's), else the session's. */
  instructions?: string;
  items: ResponseItemRecord[];
  /** What the model saw for this response: instructions, tools and the items in order. */
  context: ModelContext;
  /** `conversation: "none"`: nothing of it was added to the conversation. */
  outOfBand: boolean;
  modality: 'audio' | 'text';
  metadata: Record<string, string> | null;
  /** The client's `event_id` on the `response.create` (client responses). */
  eventId?: string;
}

export interface TruncationRecord {
  itemId: string;
  contentIndex: number;
  audioEndMs: number;
  /** Audio the item had before the truncation. */
  itemAudioMs: number;
}

/** A client event as received (appends are only counted). */
export type ReceivedEvent = { type: string; [key: string]: unknown };

export type SentEvent = RealtimeServerEvent | { type: string; [key: string]: unknown };

export interface HandshakeInfo {
  headers: IncomingHttpHeaders;
  model: string;
  url: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}
