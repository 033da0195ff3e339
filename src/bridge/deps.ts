import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { CallRegistry } from '../ops/call-registry.js';
import type { CallControl } from '../call/call-types.js';
import type { CallSetupFactory, OrgSource } from './call-setup.js';
import type { Admission } from '../ops/admission.js';
import type { CallLedger } from '../ops/call-ledger.js';
import type { StreamGate } from '../ops/stream-gate.js';
import type { OrderBacklog } from '../ops/drain.js';
import type { Lifecycle } from '../ops/lifecycle.js';
import type { PrewarmPool } from '../realtime/prewarm-pool.js';
import type { TwilioAuth } from '../http/twilio-auth.js';
import type { CallerLookups } from './caller-lookups.js';
import type { CallRecords } from './call-records.js';
import type { ConsoleHub } from '../console/console-hub.js';


/** Everything the HTTP and WebSocket routes use, built once by `buildServer`. */
export interface BridgeDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  startedAt: number;
  version: string;
  calls: CallRegistry;
  prewarm: PrewarmPool;
  orgs: OrgSource;
  setup: CallSetupFactory;
  control: CallControl | undefined;
  /** Every outbox backlog (orders, call records…): shown in /health, flushed on shutdown. */
  orders: OrderBacklog | undefined;
  /** One record per call at the app; none when the app client is not wired (tests). */
  records: CallRecords | undefined;
  /** Who is calling, asked while the phone rings. */
  callers: CallerLookups | undefined;
  /** This server's own Prometheus registry. */
  metrics: Metrics;
  lifecycle: Lifecycle;
  admission: Admission;
  /** Whether a call's stream was used, and the live counts the caps read (in-process today). */
  ledger: CallLedger;
  /** Sockets waiting for their `start`: capped, their warnings rate-limited. */
  streamGate: StreamGate;
  /**
   * The clock of the network watchdogs (silent streams, pings): real time by default even when calls run on a test
   * clock, so a test that moves call time forward does not make a live peer look silent.
   */
  watchdogClock: Clock;
  auth: TwilioAuth;
  /** Unsent bytes to Twilio past which a call's stream is dropped. */
  maxTwilioBufferedBytes: number;
  /** The operator console's live events; only when CONSOLE_TOKEN is set. */
  console: ConsoleHub | undefined;
}
