import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { ModelConnectError, type ModelLink } from '../realtime/model-link.js';

/** Backoff between reconnect attempts: together about a second, so the caller barely notices (issue: reconnect within ~1 s). */
export const RECONNECT_DELAYS_MS = [0, 250, 750];

/**
 * Opens a replacement model session after the old one dropped or expired. Stops early on a fatal
 * error (bad key, quota…): reconnecting cannot help then.
 */
export async function reconnectModel(opts: {
  open: () => Promise<ModelLink>;
  clock: Clock;
  logger: Logger;
  delaysMs?: readonly number[];
  cancelled: () => boolean;
}): Promise<ModelLink | undefined> {
  const delays = opts.delaysMs ?? RECONNECT_DELAYS_MS;
  for (let attempt = 0; attempt < delays.length; attempt++) {
    if (delays[attempt]! > 0) await new Promise<void>((resolve) => opts.clock.setTimeout(resolve, delays[attempt]!));
    if (opts.cancelled()) return undefined;
    try {
      const link = await opts.open();
      opts.logger.info({ attempt: attempt + 1 }, 'model session reconnected');
      return link;
    } catch (err) {
      const fatal = err instanceof ModelConnectError && err.fatal;
      opts.logger.warn({ attempt: attempt + 1, err: (err as Error).message, fatal }, 'model reconnect attempt failed');
      if (fatal) return undefined;
    }
  }
  return undefined;
}
