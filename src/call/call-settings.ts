import type { Config } from '../config.js';
import type { CallSessionOptions } from './call-types.js';

/** Replace the model session this long into a call, at a turn boundary, well before the 60-minute expiry. */
export const RECYCLE_AFTER_MS = 50 * 60_000;

/** The per-call settings that come from configuration. */
export function callSessionSettings(config: Config): Pick<CallSessionOptions, 'timers' | 'recycleAfterMs'> {
  return {
    timers: {
      silenceRepromptMs: config.SILENCE_REPROMPT_SECONDS * 1000,
      maxReprompts: config.SILENCE_MAX_REPROMPTS,
      maxCallMs: config.MAX_CALL_SECONDS * 1000,
      wrapUpWarningMs: config.WRAP_UP_WARNING_SECONDS * 1000,
    },
    recycleAfterMs: RECYCLE_AFTER_MS,
  };
}
