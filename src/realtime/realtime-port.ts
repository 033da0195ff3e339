import { base64ByteLength, BYTES_PER_MS } from '../audio.js';
import type { MessageRole, ModelPort, ModelPortEvent, ModelPortListener, ResponsePurpose, ResponseStatus } from '../call/model-port.js';
import type { Logger } from '../logger.js';
import { appendAudio, encode, functionOutput, message, responseCancel, responseCreate, truncate } from './client-events.js';
import { parseModelEvent, type ModelEvent } from './events.js';
import { FATAL_MODEL_ERRORS, type ModelLink } from './model-link.js';

/** Errors that happen in normal operation: a cancel that raced the end of the response, a request while one runs. */
const BENIGN_MODEL_ERRORS = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);
/** The close code the API uses when it will not take this client again (bad configuration). */
const CLOSE_FATAL = 4000;

const PURPOSES: ReadonlySet<string> = new Set<ResponsePurpose>([
  'greeting',
  'tool-followup',
  'keypad',
  'reprompt',
  'wrap-up-warning',
  'wrap-up',
  'goodbye',
  'transfer',
  'resume',
]);

/**
 * The OpenAI Realtime GA WebSocket as a `ModelPort`: server events become the call's events, the call's requests
 * become client events (built in `client-events.ts`). It keeps the audio clock of what was appended, so the end of
 * the caller's speech can be told as "this long ago".
 */
export class RealtimePort implements ModelPort {
  private listener: ModelPortListener | undefined;
  private appendedBytes = 0;
  private expired = false;

  constructor(
    private readonly link: ModelLink,
    private readonly log: Logger,
  ) {}

  get cancelsOnBargeIn(): boolean {
    return this.link.interruptResponse;
  }

  get isOpen(): boolean {
    return this.link.isOpen;
  }

  attach(listener: ModelPortListener): void {
    this.listener = listener;
    this.link.attach({
      onMessage: (text) => this.serverEvent(text),
      onClose: (code, reason) => listener({ type: 'closed', code, reason, fatal: code === CLOSE_FATAL, expired: this.expired }),
    });
  }

  appendAudio(base64: string): void {
    if (this.link.send(appendAudio(base64))) this.appendedBytes += base64ByteLength(base64);
  }

  requestResponse(purpose: ResponsePurpose, prompt?: string): void {
    this.link.send(encode(responseCreate(purpose, prompt)));
  }

  cancelResponse(responseId: string): void {
    this.link.send(encode(responseCancel(responseId)));
  }

  truncate(itemId: string, contentIndex: number, audioEndMs: number): void {
    this.link.send(encode(truncate(itemId, contentIndex, audioEndMs)));
  }

  sendToolResult(callId: string, output: string): void {
    this.link.send(encode(functionOutput(callId, output)));
  }

  addMessage(role: MessageRole, text: string): void {
    this.link.send(encode(message(role, text)));
  }

  close(reason = 'call ended'): void {
    this.listener = undefined;
    this.link.close(1000, reason);
  }

  /** Every text frame from the model. Audio deltas are the hot path: passed on with no other work. */
  private serverEvent(text: string): void {
    const emit = this.listener;
    if (!emit) return;
    const event = parseModelEvent(text);
    if (event.type === 'response.output_audio.delta') {
      emit({ type: 'audio', responseId: event.response_id, itemId: event.item_id, contentIndex: event.content_index, audio: event.delta });
      return;
    }
    const translated = this.translate(event);
    if (translated) emit(translated);
    if (event.type === 'error' && event.error.code === 'conversation_already_has_active_response') {
      emit({ type: 'request-refused' });
    }
  }

  private translate(event: ModelEvent): ModelPortEvent | undefined {
    switch (event.type) {
      case 'response.output_audio.done':
        return { type: 'audio-done', responseId: event.response_id, itemId: event.item_id, contentIndex: event.content_index };
      case 'input_audio_buffer.speech_started':
        return { type: 'speech-started' };
      case 'input_audio_buffer.speech_stopped':
        return { type: 'speech-stopped', lagMs: Math.max(0, this.appendedBytes / BYTES_PER_MS - event.audio_end_ms) };
      case 'response.created':
        return { type: 'response-started', responseId: event.response.id, purpose: purposeOf(event.response.metadata) };
      case 'response.output_item.done': {
        const { item } = event;
        if (item.type !== 'function_call' || item.status !== 'completed' || !item.call_id || !item.name) return undefined;
        return { type: 'tool-call', responseId: event.response_id, callId: item.call_id, name: item.name, arguments: item.arguments ?? '{}' };
      }
      case 'response.done': {
        const { response } = event;
        const code = response.status_details?.error?.code ?? response.status_details?.reason ?? undefined;
        return { type: 'response-done', responseId: response.id, status: responseStatus(response.status), usage: response.usage ?? undefined, ...(code ? { problem: { code } } : {}) };
      }
      case 'conversation.item.input_audio_transcription.completed':
        return { type: 'transcript', role: 'caller', itemId: event.item_id, text: event.transcript };
      case 'response.output_audio_transcript.done':
        return { type: 'transcript', role: 'agent', itemId: event.item_id, text: event.transcript };
      case 'error':
        return this.errorEvent(event.error.code ?? event.error.type ?? 'unknown', event.error.message ?? '');
      case 'invalid':
        this.log.warn({ error: event.error }, 'invalid model event dropped');
        return undefined;
      default:
        return undefined;
    }
  }

  private errorEvent(code: string, message: string): ModelPortEvent {
    const fatal = FATAL_MODEL_ERRORS.has(code);
    if (code === 'session_expired') this.expired = true;
    if (fatal) this.log.error({ code, message }, 'fatal model error');
    else if (BENIGN_MODEL_ERRORS.has(code)) this.log.debug({ code }, 'benign model error');
    else this.log.warn({ code, message }, 'model error');
    return { type: 'error', code, message, fatal };
  }
}

function purposeOf(metadata: Record<string, string> | null | undefined): ResponsePurpose | undefined {
  const purpose = metadata?.purpose;
  return purpose !== undefined && PURPOSES.has(purpose) ? (purpose as ResponsePurpose) : undefined;
}

function responseStatus(status: string): ResponseStatus {
  return status === 'completed' || status === 'cancelled' || status === 'failed' || status === 'incomplete' ? status : 'completed';
}
