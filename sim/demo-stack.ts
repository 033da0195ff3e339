/**
 * Everything `npm run demo` runs, in this process on 127.0.0.1 (port 0): the real bridge (createRuntime +
 * buildServer) with Twilio credentials (signatures, REST hang-up, SMS), the stand-in main app, the stand-in OpenAI
 * Realtime model and the stand-in Twilio REST API. The bridge logs to a file, and the few lines the demo reads
 * (`call ended`, `call record`) are kept in memory.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../src/clock.js';
import { testConfig, type Config } from '../src/config.js';
import { createLogger, type Logger } from '../src/logger.js';
import { computeTwilioSignature } from '../src/twilio/signature.js';
import { buildServer, type BridgeServer } from '../src/server.js';
import { createRuntime, type Runtime } from '../src/wiring.js';
import { startMainApp, type MainAppOptions, type MainAppStandIn } from './main-app.js';
import { EventLog } from './realtime-event-log.js';
import { startRealtimeSim, type RealtimeSim } from './realtime-server.js';
import type { RealtimeSimOptions } from './realtime-types.js';
import { startTwilioRestServer, type StandInMessage, type TwilioRestStandIn } from './twilio-rest.js';

/** A bridge log line, keyed by its message. */
export type BridgeLogLine = { type: string; [field: string]: unknown };

/** Bridge log messages the demo reads. */
const KEPT_MESSAGES = new Set(['call ended', 'call record']);
const DEMO_API_KEY = 'sk-demo-not-a-real-key';

export interface DemoStack {
  model: RealtimeSim;
  mainApp: MainAppStandIn;
  twilioRest: TwilioRestStandIn;
  bridge: BridgeServer;
  runtime: Runtime;
  bridgeUrl: string;
  logFile: string;
  bridgeLog: EventLog<BridgeLogLine>;
  close(): Promise<void>;
}

export interface DemoStackOptions {
  clock: Clock;
  model: Pick<RealtimeSimOptions, 'responder' | 'transcribe'>;
  /** Delete the temp directory (logs, outbox) on close; otherwise the log file stays for reading. */
  removeDataDir?: boolean;
  /** Configuration on top of the stand-ins' (e.g. CONSOLE_TOKEN for `npm run console`). */
  config?: Partial<Record<keyof Config, string>>;
  /** The bridge's port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Org configs the main app serves instead of the contract's examples. */
  orgs?: MainAppOptions['orgs'];
  /** The account's numbers (the only ones it can text from); default: any. */
  phoneNumbers?: readonly string[];
  /** Each text as the Twilio stand-in accepts it. */
  onText?: (message: StandInMessage) => void;
}

export interface ListeningBridge {
  bridge: BridgeServer;
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

/** The real bridge (createRuntime + buildServer) listening on 127.0.0.1. */
export async function listenBridge(config: Config, logger: Logger, clock: Clock, port = 0): Promise<ListeningBridge> {
  const runtime = await createRuntime(config, logger, clock);
  const bridge = await buildServer({ ...runtime.serverDeps, clock }).catch(async (err: unknown) => {
    await runtime.stop();
    throw err;
  });
  const close = async () => {
    await bridge.app.close();
    await runtime.stop();
  };
  try {
    await bridge.app.listen({ port, host: '127.0.0.1' });
  } catch (err) {
    await close();
    throw err;
  }
  return { bridge, runtime, url: `http://127.0.0.1:${(bridge.app.server.address() as AddressInfo).port}`, close };
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'voice-bridge-demo-'));
  const logFile = join(dataDir, 'bridge.log');
  const bridgeLog = new EventLog<BridgeLogLine>('bridge log');
  const file = createWriteStream(logFile);
  const closers: Array<() => Promise<void>> = [
    async () => {
      file.end();
      await once(file, 'close');
      if (options.removeDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  ];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const model = await startRealtimeSim({ apiKey: DEMO_API_KEY, clock: options.clock, ...options.model });
    closers.push(() => model.close());
    const mainApp = await startMainApp({ orgs: options.orgs });
    closers.push(() => mainApp.close());
    const twilioRest = await startTwilioRestServer({ clock: options.clock, ...(options.phoneNumbers ? { phoneNumbers: options.phoneNumbers } : {}), onMessage: options.onText });
    closers.push(() => twilioRest.close());
    const config = testConfig({
      NODE_ENV: 'development',
      OPENAI_API_KEY: DEMO_API_KEY,
      OPENAI_REALTIME_URL: model.url,
      APP_URL: mainApp.url,
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      TWILIO_ACCOUNT_SID: twilioRest.accountSid,
      TWILIO_AUTH_TOKEN: twilioRest.authToken,
      TWILIO_API_BASE_URL: twilioRest.baseUrl,
      ...options.config,
    });
    const logger = createLogger(config.LOG_LEVEL, logSink(file, bridgeLog));
    const { bridge, runtime, url, close: closeBridge } = await listenBridge(config, logger, options.clock, options.port);
    closers.push(closeBridge);
    return { model, mainApp, twilioRest, bridge, runtime, bridgeUrl: url, logFile, bridgeLog, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Writes every log line to the file and keeps the ones the demo reads. */
function logSink(file: NodeJS.WritableStream, kept: EventLog<BridgeLogLine>): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      file.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.includes('"msg":"call ')) continue;
        const entry = parseLine(line);
        if (typeof entry?.msg === 'string' && KEPT_MESSAGES.has(entry.msg)) kept.push({ ...entry, type: entry.msg });
      }
      done();
    },
  });
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface StreamInstructions {
  streamUrl: string;
  parameters: Record<string, string>;
}

/** POSTs Twilio's voice webhook as Twilio would for an incoming call (signed with the auth token) and reads the `<Connect><Stream>` answer. */
export async function answerIncomingCall(bridgeUrl: string, orgId: string, form: Record<string, string>, authToken: string): Promise<StreamInstructions> {
  const url = `${bridgeUrl}/twiml/start?orgId=${encodeURIComponent(orgId)}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(authToken, url, form) },
    body: new URLSearchParams(form).toString(),
  });
  const twiml = await res.text();
  if (res.status !== 200) throw new Error(`the TwiML webhook answered HTTP ${res.status}`);
  return readStreamTwiml(twiml);
}

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const unescapeXml = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (entity) => XML_ENTITIES[entity]!);

/** The stream URL and `<Parameter>`s of a `<Connect><Stream>` document (what Twilio acts on). */
export function readStreamTwiml(twiml: string): StreamInstructions {
  const url = /<Stream url="([^"]*)"/.exec(twiml)?.[1];
  if (url === undefined) throw new Error(`the TwiML webhook did not connect a stream: ${twiml.slice(0, 200)}`);
  const parameters: Record<string, string> = {};
  for (const [, name, value] of twiml.matchAll(/<Parameter name="([^"]*)" value="([^"]*)"\/>/g)) {
    parameters[unescapeXml(name!)] = unescapeXml(value!);
  }
  return { streamUrl: unescapeXml(url), parameters };
}
