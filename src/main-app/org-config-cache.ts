import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AppClient, OrgConfigResult } from './app-client.js';
import type { OrgConfig } from './org-config.js';

export interface OrgConfigCacheOptions {
  client: Pick<AppClient, 'fetchOrgConfig'>;
  clock: Clock;
  logger: Logger;
  /** A config younger than this is served without asking the app. */
  ttlMs?: number;
  /** After the TTL, a config is still served at once for this long while it is refreshed in the background. */
  staleWhileRevalidateMs?: number;
  /** How long a 404 is remembered (short: a newly created org should work soon). */
  notFoundTtlMs?: number;
  maxEntries?: number;
}

export interface OrgConfigCache {
  /** A config without waiting on the app when one is cached (fresh, or stale while it revalidates). Never throws. */
  get(orgId: string): Promise<OrgConfigResult>;
  /** The config if one is cached (fresh or stale), without asking the app. */
  peek(orgId: string): OrgConfig | undefined;
  /** Forgets an org (e.g. told the menu changed). */
  invalidate(orgId: string): void;
  size(): number;
}

type Entry = { result: Extract<OrgConfigResult, { kind: 'ok' | 'not-found' }>; fetchedAt: number };

export function createOrgConfigCache(options: OrgConfigCacheOptions): OrgConfigCache {
  const { client, clock } = options;
  const ttlMs = options.ttlMs ?? 60_000;
  const swrMs = options.staleWhileRevalidateMs ?? 10 * 60_000;
  const notFoundTtlMs = options.notFoundTtlMs ?? 15_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const log = options.logger.child({ component: 'org-config-cache' });
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<OrgConfigResult>>();

  function store(orgId: string, entry: Entry): void {
    entries.delete(orgId);
    entries.set(orgId, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  }

  function load(orgId: string): Promise<OrgConfigResult> {
    const pending = inFlight.get(orgId);
    if (pending) return pending;
    const promise = client
      .fetchOrgConfig(orgId)
      .catch((err: unknown): OrgConfigResult => ({ kind: 'unavailable', reason: `fetch failed: ${String(err)}` }))
      .then((result) => {
        if (result.kind !== 'unavailable') {
          store(orgId, { result, fetchedAt: clock.now() });
          return result;
        }
        // Stale-if-error: a config we already had beats ending the call.
        const previous = entries.get(orgId);
        if (previous?.result.kind === 'ok') {
          log.warn({ orgId, reason: result.reason }, 'org config refresh failed; serving the cached config');
          return previous.result;
        }
        return result;
      })
      .finally(() => inFlight.delete(orgId));
    inFlight.set(orgId, promise);
    return promise;
  }

  function age(entry: Entry): number {
    return clock.now() - entry.fetchedAt;
  }

  function get(orgId: string): Promise<OrgConfigResult> {
    const entry = entries.get(orgId);
    if (entry) {
      const fresh = entry.result.kind === 'ok' ? ttlMs : notFoundTtlMs;
      if (age(entry) < fresh) return Promise.resolve(entry.result);
      if (entry.result.kind === 'ok' && age(entry) < ttlMs + swrMs) {
        void load(orgId);
        return Promise.resolve(entry.result);
      }
    }
    return load(orgId);
  }

  return {
    get,
    peek(orgId) {
      const result = entries.get(orgId)?.result;
      return result?.kind === 'ok' ? result.config : undefined;
    },
    invalidate(orgId) {
      entries.delete(orgId);
    },
    size() {
      return entries.size;
    },
  };
}
