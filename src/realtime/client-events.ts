import type {
  ConversationItemCreateEvent,
  ConversationItemTruncateEvent,
  RealtimeClientEvent,
  ResponseCancelEvent,
  ResponseCreateEvent,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { MessageRole, ResponsePurpose } from '../call/model-port.js';

/**
 * Every client event the bridge sends to the OpenAI Realtime GA API, built here and nowhere else (as
 * `twilio/messages.ts` does for Twilio). Shapes are typed by the `openai` package's `RealtimeClientEvent`; the port
 * gives each one an `event_id` when it sends it, so an error can be matched to its request (`error.event_id`).
 * `input_audio_buffer.append` is the hot path: built by concatenation around an id of our own and a payload already
 * checked to be base64 (nothing in either can end or escape the JSON string).
 */
const APPEND_PREFIX = '{"type":"input_audio_buffer.append","event_id":"';
const APPEND_AUDIO = '","audio":"';
const APPEND_SUFFIX = '"}';

export function appendAudio(eventId: string, base64: string): string {
  return APPEND_PREFIX + eventId + APPEND_AUDIO + base64 + APPEND_SUFFIX;
}

export function sessionUpdate(session: SessionUpdateEvent['session']): SessionUpdateEvent {
  return { type: 'session.update', session };
}

/**
 * A response for one of our purposes; the purpose rides in `metadata`, which the model echoes in `response.created`.
 * Never with `instructions`: those would replace the session's (menu, rules) for this response. What the bridge
 * wants said goes before it as a `system` message.
 */
export function responseCreate(purpose: ResponsePurpose): ResponseCreateEvent {
  return { type: 'response.create', response: { metadata: { purpose } } };
}

/**
 * A text-only response outside the conversation (`conversation: "none"`): the model reads the conversation so far
 * and answers `instructions` in text; nothing is spoken and nothing is added to the conversation.
 */
export function outOfBandText(instructions: string, purpose: string): ResponseCreateEvent {
  return { type: 'response.create', response: { conversation: 'none', output_modalities: ['text'], instructions, metadata: { purpose } } };
}

export function responseCancel(responseId: string): ResponseCancelEvent {
  return { type: 'response.cancel', response_id: responseId };
}

export function truncate(itemId: string, contentIndex: number, audioEndMs: number): ConversationItemTruncateEvent {
  return { type: 'conversation.item.truncate', item_id: itemId, content_index: contentIndex, audio_end_ms: audioEndMs };
}

export function functionOutput(callId: string, output: string): ConversationItemCreateEvent {
  return { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } };
}

/** A text message in the conversation: the caller's words (`user`), the agent's (`assistant`), or the bridge's notes (`system`). */
export function message(role: MessageRole, text: string): ConversationItemCreateEvent {
  const item =
    role === 'assistant'
      ? { type: 'message' as const, role, content: [{ type: 'output_text' as const, text }] }
      : { type: 'message' as const, role, content: [{ type: 'input_text' as const, text }] };
  return { type: 'conversation.item.create', item };
}

/** JSON for the wire, with its `event_id`. */
export function encode(event: RealtimeClientEvent, eventId: string): string {
  return JSON.stringify({ ...event, event_id: eventId });
}
