import { say, type ResponderContext, type ScriptedItem } from '../../sim/realtime-server.js';

/**
 * A responder that plays one scripted step per response the model gives, in order: the greeting is
 * step 0, each follow-up after tool outputs (or caller turn) the next one; past the end, a short line.
 */
export function stepResponder(steps: ScriptedItem[][], perSession = false) {
  let index = 0;
  let lastSession = 0;
  return (ctx: ResponderContext): ScriptedItem[] => {
    if (perSession && ctx.sessionIndex !== lastSession) {
      lastSession = ctx.sessionIndex;
      index = 0;
    }
    const step = steps[index++];
    return step ?? [say('Anything else?', 300)];
  };
}

/** The function_call_output payloads the bridge sent, decoded. */
export function outputs(session: { functionOutputs: readonly { output: string }[] }): Array<Record<string, unknown>> {
  return session.functionOutputs.map((o) => JSON.parse(o.output) as Record<string, unknown>);
}
