import type { SimSession } from '../../sim/realtime-session.js';

export interface RequestedResponse {
  purpose: string | undefined;
  /** The bridge's note for this response: the system message sent right before its `response.create`. */
  prompt: string | undefined;
  /** `response.instructions`, which must never be set (it would replace the session's menu and rules). */
  instructions: unknown;
}

/** Our `response.create`s in the order the model received them, each with the note the bridge sent with it. */
export function requestedResponses(session: SimSession): RequestedResponse[] {
  const requests: RequestedResponse[] = [];
  let note: string | undefined;
  for (const event of session.received) {
    if (event.type === 'conversation.item.create') {
      const item = event.item as { type?: string; role?: string; content?: Array<{ text?: string }> };
      note = item.type === 'message' && item.role === 'system' ? item.content?.[0]?.text : undefined;
    } else if (event.type === 'response.create') {
      const response = event.response as { metadata?: { purpose?: string }; instructions?: unknown } | undefined;
      requests.push({ purpose: response?.metadata?.purpose, prompt: note, instructions: response?.instructions });
      note = undefined;
    }
  }
  return requests;
}

/** The note sent with our last response for `purpose`. */
export function promptFor(session: SimSession, purpose: string): string | undefined {
  return requestedResponses(session)
    .filter((r) => r.purpose === purpose)
    .at(-1)?.prompt;
}
