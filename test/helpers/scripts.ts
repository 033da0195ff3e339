import { say, write, type ResponderContext, type ScriptedItem } from '../../sim/realtime-server.js';

/**
 * A responder that plays one scripted step per response the model gives, in order: the greeting is
 * step 0, each follow-up after tool outputs (or caller turn) the next one; past the end, a short line.
 */
export function stepResponder(steps: ScriptedItem[][], summary = 'The caller called.') {
  let index = 0;
  return (ctx: ResponderContext): ScriptedItem[] => {
    // The after-call summary (text, out of band) is not a step of the conversation.
    if (ctx.outOfBand) return [write(summary)];
    const step = steps[index++];
    return step ?? [say('Anything else?', 300)];
  };
}

/** The function_call_output payloads the bridge sent, decoded. */
export function outputs(session: { functionOutputs: readonly { output: string }[] }): Array<Record<string, unknown>> {
  return session.functionOutputs.map((o) => JSON.parse(o.output) as Record<string, unknown>);
}
