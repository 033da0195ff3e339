/**
 * Shared per-test setup for the realtime sim tests: start the stand-in on 127.0.0.1, connect a
 * client, and close everything opened after each test.
 *
 *   const rt = useRealtimeFixture({ vad: null, sim: { responder: () => [say('Hi.', 500)] } });
 *   it('…', async () => {
 *     const { c, session } = await rt.setup({ clock });
 *     rt.sim.openSessions; // the sim of the current test
 *   });
 */
import { afterEach } from 'vitest';
import { startRealtimeSim, type RealtimeSim, type SimSession, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import { connect, connectConfigured, type RealtimeTestClient, type VadOverrides } from '../../sim/realtime-test-client.js';

export interface RealtimeFixtureDefaults {
  /** Sim options for every test of the file, over `{ generationSpeed: Infinity }`; a test's own options win. */
  sim?: StartRealtimeSimOptions;
  /** VAD overrides for the configuring `session.update` (`null`: turn detection off). Default `{}`. */
  vad?: VadOverrides | null;
}

export interface ConfiguredSession {
  /** The client, after `session.updated`. */
  c: RealtimeTestClient;
  /** The sim's side of that client's connection. */
  session: SimSession;
}

export interface RealtimeFixture {
  /** Starts a sim, connects a client configured with `pcmuSessionUpdate(vad, extra)` and returns both ends. */
  setup(options?: StartRealtimeSimOptions, vad?: VadOverrides | null, extra?: Record<string, unknown>): Promise<ConfiguredSession>;
  /** Starts a sim only (closed after the test); connect to it with `open`. */
  start(options?: StartRealtimeSimOptions): Promise<RealtimeSim>;
  /** Connects an unconfigured client to the current sim (closed after the test). */
  open(): Promise<RealtimeTestClient>;
  /** The sim started last in the current test; throws if none. */
  readonly sim: RealtimeSim;
  /** The client connected last in the current test; throws if none. */
  readonly client: RealtimeTestClient;
}

/** Registers an `afterEach` (in the calling `describe`, or the file) that closes what the fixture opened. */
export function useRealtimeFixture(defaults: RealtimeFixtureDefaults = {}): RealtimeFixture {
  const sims: RealtimeSim[] = [];
  const clients: RealtimeTestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  const current = <T>(opened: T[], what: string): T => {
    const last = opened.at(-1);
    if (last === undefined) throw new Error(`no realtime ${what} in this test yet: call setup() or start() first`);
    return last;
  };

  const fixture: RealtimeFixture = {
    async start(options = {}) {
      const sim = await startRealtimeSim({ generationSpeed: Infinity, ...defaults.sim, ...options });
      sims.push(sim);
      return sim;
    },
    async open() {
      const sim = current(sims, 'sim');
      const client = await connect(sim.url, { apiKey: sim.apiKey });
      clients.push(client);
      return client;
    },
    async setup(options = {}, vad = defaults.vad === undefined ? {} : defaults.vad, extra = {}) {
      const sim = await fixture.start(options);
      const client = await connectConfigured(sim, vad, extra);
      clients.push(client);
      return { c: client, session: await sim.nextSession() };
    },
    get sim() {
      return current(sims, 'sim');
    },
    get client() {
      return current(clients, 'client');
    },
  };
  return fixture;
}
