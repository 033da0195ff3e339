/**
 * What a call needs from a speech-to-speech model session, whatever API is behind it: the counterpart of
 * `TwilioPort`. The OpenAI Realtime GA WebSocket is one adapter (`src/realtime/realtime-port.ts`). The port speaks
 * in the call's terms (purposes, prompts, heard positions), never in one API's event names, so a server-driven API
 * (OpenAI's Live sessions: turns taken by the server, tools by delegation) fits as another adapter: there a
 * `requestResponse` becomes appended instructions, a tool call arrives as a delegation and its result is appended
 * for that delegation, and `truncate` is the adapter's to map or ignore.
 */

/** Why the bridge asks the model to speak. Responses the model starts by itself (turn detection) have none. */
export const RESPONSE_PURPOSES = [
  'greeting',
  'tool-followup',
  'keypad',
  'reprompt',
  'wrap-up-warning',
  'wrap-up',
  'goodbye',
  'transfer',
  'resume',
  'retry',
] as const;
export type ResponsePurpose = (typeof RESPONSE_PURPOSES)[number];

/**
 * Base64 μ-law as it travels between the call and a port: a string, or the base64 text's ASCII bytes (on the fast
 * path, a view into the frame it arrived in, so the audio is never turned into a string). Either way it has been
 * checked to be base64, so it can be re-wrapped into JSON as it is.
 */
export type Base64Audio = string | Buffer;

/** The roles of text the bridge adds to the conversation. `system` carries the bridge's own prompts and notes. */
export type MessageRole = 'user' | 'assistant' | 'system';

export type ResponseStatus = 'completed' | 'cancelled' | 'failed' | 'incomplete';

/** Why a response failed or stopped early, as the model reported it. */
export interface ResponseProblem {
  /** e.g. `insufficient_quota`, `rate_limit_exceeded`, `server_error`, `max_output_tokens`, `content_filter`. */
  code: string;
  /** How long the model advised waiting before trying again, when it said. */
  retryAfterMs?: number | undefined;
}

export type ModelPortEvent =
  /** The hot path: one chunk of the agent's audio, in the order played (only until the listener returns, when bytes). */
  | { type: 'audio'; responseId: string; itemId: string; contentIndex: number; audio: Base64Audio }
  | { type: 'audio-done'; responseId: string; itemId: string; contentIndex: number }
  | { type: 'speech-started' }
  /** `lagMs`: how long ago, on the audio clock of what was appended, the caller actually stopped. */
  | { type: 'speech-stopped'; lagMs: number }
  /** `purpose` is set when the response answers one of our requests; undefined when the model started it itself. */
  | { type: 'response-started'; responseId: string; purpose: ResponsePurpose | undefined }
  | { type: 'response-done'; responseId: string; status: ResponseStatus; problem?: ResponseProblem; usage?: unknown }
  /** Our request for `purpose` was refused because a response was already running: it waits for its turn again. */
  | { type: 'request-refused'; purpose: ResponsePurpose }
  /** A complete tool call (its arguments are final). */
  | { type: 'tool-call'; responseId: string; callId: string; name: string; arguments: string }
  /**
   * A finished line of the conversation. `order` is the place of its item in the conversation (a caller's line can
   * arrive after the agent's answer to it); `at` is when the item began, on the call's clock.
   */
  | { type: 'transcript'; role: 'caller' | 'agent'; itemId: string; text: string; order: number; at: number }
  /** Transcription tokens or seconds billed for the caller's audio. */
  | { type: 'transcription-usage'; usage: unknown }
  /** Already logged by the adapter; `fatal`: the call cannot go on (bad key, no quota…). */
  | { type: 'error'; code: string; message: string; fatal: boolean }
  /**
   * The session is over (socket closed, expired, or cut because the model stopped answering: `unresponsive` says
   * how it was noticed); `fatal`: reconnecting cannot help.
   */
  | { type: 'closed'; code: number; reason: string; fatal: boolean; expired: boolean; unresponsive?: 'no-pong' | 'no-response' | undefined };

export type ModelPortListener = (event: ModelPortEvent) => void;

export interface ModelPort {
  /** Whether the model cancels its own response when the caller starts speaking (then the bridge must not). */
  readonly cancelsOnBargeIn: boolean;
  readonly isOpen: boolean;
  /** Starts delivering events (and any that arrived before, for a session opened ahead of the call). */
  attach(listener: ModelPortListener): void;
  /** Hot path: the caller's audio, in order (bytes are read before it returns, never kept). */
  appendAudio(audio: Base64Audio): void;
  /** Asks the model to speak now; `prompt` is a note to the model for this moment, added to the conversation (never replacing its instructions). */
  requestResponse(purpose: ResponsePurpose, prompt?: string): void;
  cancelResponse(responseId: string): void;
  /** The caller heard `audioEndMs` of this item: the model forgets the rest. */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): void;
  sendToolResult(callId: string, output: string): void;
  addMessage(role: MessageRole, text: string): void;
  /**
   * A text answer to `instructions` about the conversation so far, outside it (never spoken, nothing added), or
   * undefined after `timeoutMs` or when the model cannot give one. For after-call summaries; optional for adapters.
   */
  summarize?(instructions: string, timeoutMs: number): Promise<string | undefined>;
  close(reason?: string): void;
}

/** Opens a model session for this call (a first one, or a replacement carrying nothing: the call restores its state). */
export type ModelConnector = () => Promise<ModelPort>;
