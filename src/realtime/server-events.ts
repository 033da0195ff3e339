import { BYTES_PER_MS } from '../audio.js';
import { RESPONSE_PURPOSES, type ModelPortEvent, type ResponsePurpose, type ResponseStatus } from '../call/model-port.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ModelEvent } from './events.js';
import { FATAL_MODEL_ERRORS } from './model-link.js';

/** Errors that happen in normal operation: a cancel that raced the end of the response, a request while one runs. */
const BENIGN_MODEL_ERRORS = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);
const MAX_TRACKED = 256;

const PURPOSES: ReadonlySet<string> = new Set(RESPONSE_PURPOSES);

/** A client event we may have to match an error to, by its `event_id`. */
export interface SentRequest {
  type: string;
  purpose?: ResponsePurpose;
}

/**
 * Turns OpenAI Realtime GA server events into the call's `ModelPortEvent`s. Keeps what that needs across events:
 * the order and start time of conversation items (a caller's transcript may arrive after the agent's reply), the
 * client events errors may refer to, and whether the session said it expired.
 */
export class ServerEventTranslator {
  /** Bytes of caller audio appended so far: the model's `audio_*_ms` clock is this / 8. */
  appendedBytes = 0;
  expired = false;
  private readonly items = new Map<string, { order: number; at: number }>();
  private readonly requests = new Map<string, SentRequest>();
  private nextOrder = 0;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Remembers a client event an error may name by `event_id` (the oldest are forgotten). */
  sent(eventId: string, request: SentRequest): void {
    this.requests.set(eventId, request);
    if (this.requests.size > MAX_TRACKED) this.requests.delete(this.requests.keys().next().value!);
  }

  /** Every event but audio deltas, which the port passes on directly. */
  translate(event: ModelEvent): ModelPortEvent[] {
    switch (event.type) {
      case 'response.output_audio.done':
        return [{ type: 'audio-done', responseId: event.response_id, itemId: event.item_id, contentIndex: event.content_index }];
      case 'input_audio_buffer.speech_started':
        this.item(event.item_id);
        return [{ type: 'speech-started' }];
      case 'input_audio_buffer.speech_stopped':
        return [{ type: 'speech-stopped', lagMs: Math.max(0, this.appendedBytes / BYTES_PER_MS - event.audio_end_ms) }];
      case 'input_audio_buffer.committed':
        this.item(event.item_id);
        return [];
      case 'conversation.item.added':
      case 'response.output_item.added':
        if (event.item.id) this.item(event.item.id);
        return [];
      case 'response.created':
        return [{ type: 'response-started', responseId: event.response.id, purpose: purposeOf(event.response.metadata?.purpose) }];
      case 'response.output_item.done':
        return this.toolCall(event);
      case 'response.done':
        return [this.responseDone(event)];
      case 'conversation.item.input_audio_transcription.completed':
        return [this.transcript('caller', event.item_id, event.transcript), ...(event.usage ? [{ type: 'transcription-usage' as const, usage: event.usage }] : [])];
      case 'response.output_audio_transcript.done':
        return [this.transcript('agent', event.item_id, event.transcript)];
      case 'error':
        return this.error(event.error);
      case 'invalid':
        this.log.warn({ error: event.error }, 'invalid model event dropped');
        return [];
      default:
        return [];
    }
  }

  private toolCall(event: Extract<ModelEvent, { type: 'response.output_item.done' }>): ModelPortEvent[] {
    const { item } = event;
    if (item.type !== 'function_call' || item.status !== 'completed' || !item.call_id || !item.name) return [];
    return [{ type: 'tool-call', responseId: event.response_id, callId: item.call_id, name: item.name, arguments: item.arguments ?? '{}' }];
  }

  private responseDone(event: Extract<ModelEvent, { type: 'response.done' }>): ModelPortEvent {
    const { response } = event;
    const details = response.status_details;
    const code = details?.error?.code ?? details?.error?.type ?? details?.reason ?? undefined;
    const status = responseStatus(response.status);
    const problem = code && (status === 'failed' || status === 'incomplete') ? { code, retryAfterMs: advisedDelayMs(details?.error?.message) } : undefined;
    return { type: 'response-done', responseId: response.id, status, usage: response.usage ?? undefined, ...(problem ? { problem } : {}) };
  }

  private transcript(role: 'caller' | 'agent', itemId: string, text: string): ModelPortEvent {
    const { order, at } = this.item(itemId);
    return { type: 'transcript', role, itemId, text, order, at };
  }

  private error(error: Extract<ModelEvent, { type: 'error' }>['error']): ModelPortEvent[] {
    const code = error.code ?? error.type ?? 'unknown';
    const message = error.message ?? '';
    const request = error.event_id ? this.requests.get(error.event_id) : undefined;
    const fatal = FATAL_MODEL_ERRORS.has(code);
    if (code === 'session_expired') this.expired = true;
    const context = { code, message, request: request?.type, purpose: request?.purpose };
    if (fatal) this.log.error(context, 'fatal model error');
    else if (BENIGN_MODEL_ERRORS.has(code)) this.log.debug(context, 'benign model error');
    else this.log.warn(context, 'model error');
    const events: ModelPortEvent[] = [{ type: 'error', code, message, fatal }];
    // Only a refusal of one of our own requests puts it back in line; one we cannot match is not ours to retry.
    if (code === 'conversation_already_has_active_response' && request?.purpose) events.push({ type: 'request-refused', purpose: request.purpose });
    return events;
  }

  /** The place and start time of an item, recorded the first time it is seen. */
  private item(itemId: string): { order: number; at: number } {
    let known = this.items.get(itemId);
    if (!known) {
      known = { order: ++this.nextOrder, at: this.clock.now() };
      this.items.set(itemId, known);
      if (this.items.size > MAX_TRACKED) this.items.delete(this.items.keys().next().value!);
    }
    return known;
  }
}

function purposeOf(value: string | undefined): ResponsePurpose | undefined {
  return value !== undefined && PURPOSES.has(value) ? (value as ResponsePurpose) : undefined;
}

function responseStatus(status: string): ResponseStatus {
  return status === 'cancelled' || status === 'failed' || status === 'incomplete' ? status : 'completed';
}

/** "Please try again in 1.2s" / "in 350ms", as the API words rate limits; undefined when it names no delay. */
export function advisedDelayMs(message: string | null | undefined): number | undefined {
  const match = message ? /try again in (\d+(?:\.\d+)?)\s*(ms|s)\b/i.exec(message) : null;
  if (!match) return undefined;
  const value = Number(match[1]);
  return Math.round(match[2]!.toLowerCase() === 'ms' ? value : value * 1000);
}
