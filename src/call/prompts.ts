/** What the bridge asks the model to say at call-control moments (a system message before the response it asks for). */
export const PROMPTS = {
  greetingFallback: 'You just answered the phone. Greet the caller briefly and ask how you can help.',
  goodbye: 'Say a short, friendly goodbye to the caller now. Do not ask anything else.',
  transferAnnouncement: 'Tell the caller in one short sentence that you are connecting them to a member of staff now.',
  reprompt: 'The caller has been quiet for a while. Briefly and kindly ask whether they are still there and if you can help with anything.',
  silenceGoodbye: 'The caller has been silent for a while. Say a brief, polite goodbye; the call will end.',
  wrapUpWarning:
    'The call will end in about a minute because of the time limit. Politely tell the caller, and help them finish now: if an order is ready, read it back and submit it once they confirm.',
  maxDuration: 'The call has reached its time limit. Say a short, polite goodbye now; the call will end.',
  resume: 'The line dropped for a moment and is back. Continue the conversation naturally from where it left off; do not greet the caller again.',
} as const;

export const DEFAULT_APOLOGY = "I'm sorry, we're having trouble with this call. Please call back in a moment. Goodbye.";
export const TRANSFER_FALLBACK = 'Sorry, nobody is available to take your call right now. Please call back later. Goodbye.';

/** Keypad keys other than 0 are passed to the model as text: the caller may be answering a menu-like question. */
export function keypadText(digit: string): string {
  return `[The caller pressed ${digit} on the keypad]`;
}

/** The cart, for a session that replaces one mid-call (tool calls are not replayed). */
export function cartNote(cartSnapshot: string): string {
  return `# The order so far (the line was reconnected; continue from here, do not greet again)\n${cartSnapshot}`;
}
