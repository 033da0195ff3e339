/**
 * Building blocks for scripted responses, and the default responder that lets the demo run without configuration.
 */
import type {
  Responder,
  ResponderContext,
  ResponderResult,
  ScriptedAudioItem,
  ScriptedFunctionCall,
  ScriptedResponse,
  TranscriptContext,
} from './realtime-types.js';

/** Roughly how long a sentence takes to say: 60 ms per character, at least 400 ms. */
export function speechMs(text: string): number {
  return Math.max(400, text.length * 60);
}

export function say(transcript: string, ms = speechMs(transcript)): ScriptedAudioItem {
  return { kind: 'audio', ms, transcript };
}

export function callTool(name: string, args: Record<string, unknown> | string, callId?: string): ScriptedFunctionCall {
  return { kind: 'function_call', name, arguments: args, ...(callId ? { callId } : {}) };
}

export function failResponse(code: string, message?: string, type = 'invalid_request_error'): ScriptedResponse {
  return { items: [], failure: { code, type, ...(message ? { message } : {}) } };
}

export function toScriptedResponse(result: ResponderResult): ScriptedResponse {
  return Array.isArray(result) ? { items: result } : result;
}

export const defaultResponder: Responder = (ctx: ResponderContext) => {
  if (ctx.trigger === 'idle') return [say('Are you still there?')];
  if (ctx.newFunctionOutputs.length > 0) return [say('All done. Is there anything else I can get you?')];
  if (ctx.trigger === 'client' && ctx.request?.instructions) {
    return [say('Thanks for calling! What can I get started for you today?')];
  }
  if (ctx.userTranscript) return [say('Sure, I can help with that. Anything else?')];
  return [say('Sorry, could you say that again?')];
};

const SCRIPTED_CALLER_LINES = [
  "Hi, I'd like to order a large margherita pizza.",
  'Can I also get a garlic bread?',
  "That's everything, thanks.",
];

export const defaultTranscribe = (ctx: TranscriptContext): string =>
  SCRIPTED_CALLER_LINES[ctx.turnIndex % SCRIPTED_CALLER_LINES.length]!;
