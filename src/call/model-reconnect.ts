import type { Clock } from '../clock.js';
import { sleep } from '../lib/timing.js';
import type { Logger } from '../logger.js';
import type { ModelPort } from './model-port.js';

/** Backoff between reconnect attempts: about a second in all, so the caller barely notices. */
export const RECONNECT_DELAYS_MS = [0, 250, 750];

/**
 * Opens a replacement model session after the old one dropped or expired. Stops early on a fatal error (the
 * opener's error has `fatal: true`: bad key, no quota…), where trying again cannot help, and once `signal` aborts
 * (the call ended).
 */
export async function reconnectModel(opts: {
  open: () => Promise<ModelPort>;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  delaysMs?: readonly number[];
}): Promise<ModelPort | undefined> {
  const delays = opts.delaysMs ?? RECONNECT_DELAYS_MS;
  for (let attempt = 0; attempt < delays.length; attempt++) {
    if (delays[attempt]! > 0 && !(await sleep(opts.clock, delays[attempt]!, opts.signal))) return undefined;
    if (opts.signal.aborted) return undefined;
    try {
      const port = await opts.open();
      opts.logger.info({ attempt: attempt + 1 }, 'model session reconnected');
      return port;
    } catch (err) {
      const fatal = (err as { fatal?: unknown }).fatal === true;
      opts.logger.warn({ attempt: attempt + 1, err: (err as Error).message, fatal }, 'model reconnect attempt failed');
      if (fatal) return undefined;
    }
  }
  return undefined;
}
