/**
 * Building blocks for scripted responses, and the default responder that lets the demo run without configuration.
 */
import type {
  Responder,
  ResponderContext,
  ResponderResult,
  ScriptedAudioItem,
  ScriptedFunctionCall,
  ScriptedItem,
  ScriptedResponse,
  ScriptedTextItem,
  TranscriptContext,
} from './realtime-types.js';

/** Roughly how long a sentence takes to say: 60 ms per character, at least 400 ms. */
export function speechMs(text: string): number {
  return Math.max(400, text.length * 60);
}

export function say(transcript: string, ms = speechMs(transcript)): ScriptedAudioItem {
  return { kind: 'audio', ms, transcript };
}

/** Text: streamed as `response.output_text.*` in a text-only response, spoken in an audio one. */
export function write(text: string): ScriptedTextItem {
  return { kind: 'text', text };
}

export function callTool(name: string, args: Record<string, unknown> | string, callId?: string): ScriptedFunctionCall {
  return { kind: 'function_call', name, arguments: args, ...(callId ? { callId } : {}) };
}

export function failResponse(code: string, message?: string, type = 'invalid_request_error'): ScriptedResponse {
  return { items: [], failure: { code, type, ...(message ? { message } : {}) } };
}

/**
 * A response that fails with one of the codes seen on `response.done` (`status_details.error`), with the error type
 * OpenAI uses for it: `insufficient_quota`, `rate_limit_exceeded` (type `tokens` or `requests`; the message advises
 * when to retry), `server_error`, `invalid_api_key`. `items` are streamed before the failure.
 */
export function failWith(code: 'insufficient_quota' | 'rate_limit_exceeded' | 'server_error' | 'invalid_api_key', items: ScriptedItem[] = [], retryAfterS = 1.2): ScriptedResponse {
  const failures = {
    insufficient_quota: { type: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' },
    rate_limit_exceeded: {
      type: 'tokens',
      message: `Rate limit reached for gpt-realtime-2.1 on tokens per min (TPM): Limit 40000, Used 39800, Requested 900. Please try again in ${retryAfterS}s.`,
    },
    server_error: { type: 'server_error', message: 'The server had an error while processing your request. Sorry about that!' },
    invalid_api_key: { type: 'invalid_request_error', message: 'Incorrect API key provided.' },
  } as const;
  const rateLimits =
    code === 'rate_limit_exceeded'
      ? [
          { name: 'requests' as const, limit: 5000, remaining: 4990, reset_seconds: 0.012 },
          { name: 'tokens' as const, limit: 40_000, remaining: 0, reset_seconds: retryAfterS },
        ]
      : undefined;
  return { items, failure: { code, ...failures[code] }, ...(rateLimits ? { rateLimits } : {}) };
}

/** A response cut short (`status: "incomplete"`, `status_details.reason`): its last item is left incomplete. */
export function incompleteResponse(reason: 'max_output_tokens' | 'content_filter', items: ScriptedItem[]): ScriptedResponse {
  return { items, incomplete: reason };
}

export function toScriptedResponse(result: ResponderResult): ScriptedResponse {
  return Array.isArray(result) ? { items: result } : result;
}

export const defaultResponder: Responder = (ctx: ResponderContext) => {
  // An out-of-band text request (an after-call summary): a plain sentence built from what the caller said.
  if (ctx.outOfBand && ctx.request?.output_modalities?.[0] === 'text') {
    return [write(ctx.userTranscript ? `The caller called and said: "${ctx.userTranscript}"` : 'The caller called.')];
  }
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
