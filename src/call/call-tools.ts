import type { RealtimeFunctionTool } from 'openai/resources/realtime/realtime';
import type { CallAction, OrderingSession, ToolBox } from './call-types.js';

export const END_CALL = 'end_call' satisfies CallAction;
export const TRANSFER_TO_STAFF = 'transfer_to_staff' satisfies CallAction;

export function isCallAction(name: string): name is CallAction {
  return name === END_CALL || name === TRANSFER_TO_STAFF;
}

/**
 * The call's one tool box: call actions answer at once (`ok`, with the action to carry out once the response is
 * done, or why not), every other name goes to the ordering tools.
 */
export function callToolBox(ordering: OrderingSession | undefined, canDo: (action: CallAction) => boolean): ToolBox {
  return {
    async run(name, argumentsJson, signal) {
      if (isCallAction(name)) {
        if (canDo(name)) return { output: { ok: true }, action: name };
        return { output: { ok: false, error: 'not_available', message: `${name} is not available on this call. Tell the caller briefly and keep helping.` } };
      }
      if (!ordering) return { output: { ok: false, error: 'unknown_tool', message: `There is no tool named "${name}".` } };
      return { output: await ordering.run(name, argumentsJson, signal) };
    },
  };
}

export function callToolDefinitions(opts: { transferOffered: boolean }): RealtimeFunctionTool[] {
  const tools: RealtimeFunctionTool[] = [
    {
      type: 'function',
      name: END_CALL,
      description:
        'Hang up the call. Use it when the caller is done (order placed or nothing more needed) and you have said goodbye in this same turn. The line is cut after your goodbye has played.',
      parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the call ends, in a few words.' } }, additionalProperties: false },
    },
  ];
  if (opts.transferOffered) {
    tools.push({
      type: 'function',
      name: TRANSFER_TO_STAFF,
      description:
        'Transfer the caller to a staff member. Use it when the caller asks for a person or you cannot help. First tell the caller you are connecting them, in this same turn.',
      parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why the caller needs a person.' } }, additionalProperties: false },
    });
  }
  return tools;
}

export const CALL_RULES = ['When the caller has nothing more, say a short goodbye and call end_call in the same turn.'];
export const TRANSFER_RULE = 'If the caller asks for a person, or you cannot help, tell them you are connecting them and call transfer_to_staff in the same turn.';
