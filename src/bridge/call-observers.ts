import type { CallObserver } from '../call/call-types.js';

/** Every method of CallObserver: `satisfies` makes the build fail when one is added there and not here. */
const OBSERVER_METHODS = {
  greetingLatency: true,
  turnLatency: true,
  bargeIn: true,
  modelError: true,
  modelReconnected: true,
  modelUnresponsive: true,
  orderSubmitted: true,
  toolFinished: true,
  usage: true,
  transcriptionUsage: true,
  transcript: true,
  staffNote: true,
  ended: true,
} satisfies Record<keyof Required<CallObserver>, true>;

type ObserverMethod = (this: CallObserver, ...args: unknown[]) => void;

/**
 * One observer that tells each of `observers` in turn (metrics and the call record first, then the operator
 * console), so the Call keeps a single observer. Each observer keeps its own failures in (the console hub does).
 */
export function composeObservers(...observers: Array<CallObserver | undefined>): CallObserver {
  const present = observers.filter((o): o is CallObserver => o !== undefined);
  const composed: Record<string, ObserverMethod> = {};
  for (const name of Object.keys(OBSERVER_METHODS) as Array<keyof CallObserver>) {
    const hearing = present.filter((o) => typeof o[name] === 'function');
    if (hearing.length === 0) continue;
    composed[name] = (...args: unknown[]) => {
      for (const observer of hearing) (observer[name] as ObserverMethod).apply(observer, args);
    };
  }
  return composed as CallObserver;
}
