import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { openModelLink } from '../../src/realtime/model-link.js';
import { systemClock, type Clock } from '../../src/clock.js';
import { testConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildServer, type BridgeServer } from '../../src/server.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../src/wiring.js';
import { startMainApp, type MainAppOptions, type MainAppStandIn } from '../../sim/main-app.js';
import { startRealtimeSim, type RealtimeSim, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import type { SimCall } from '../../sim/twilio-caller.js';
import { startTwilioRestServer, type TwilioRestStandIn, type TwilioRestStandInOptions } from '../../sim/twilio-rest.js';
import { computeTwilioSignature } from '../../src/twilio/signature.js';
import { dial } from './dial.js';
import { readStreamTwiml } from '../../sim/demo-stack.js';
import type { TwilioCallOptions } from '../../sim/twilio-caller-options.js';

export const ORG_ID = 'org_luigis';

export interface HarnessOptions {
  model?: StartRealtimeSimOptions;
  mainApp?: MainAppOptions;
  config?: Partial<Record<keyof Config, string>>;
  clock?: Clock;
  /** Start the Twilio REST stand-in (with these options) and give the bridge its credentials (REST hang-up/transfer, SMS, signatures on). */
  twilioRest?: boolean | TwilioRestStandInOptions;
  runtime?: RuntimeOptions;
  /** Rewrites the session.update the bridge sends (e.g. to turn interrupt_response off). */
  editSessionUpdate?: (update: SessionUpdateEvent) => SessionUpdateEvent;
}

/** The real server on 127.0.0.1 with the stand-in model and main app, plus captured JSON logs. */
export interface Harness {
  model: RealtimeSim;
  mainApp: MainAppStandIn;
  twilioRest: TwilioRestStandIn | undefined;
  bridge: BridgeServer;
  runtime: Runtime;
  config: Config;
  httpUrl: string;
  wsUrl: string;
  logs: Array<Record<string, unknown>>;
  rawLogs: string[];
  call(options?: Partial<TwilioCallOptions>): Promise<SimCall>;
  /**
   * POSTs Twilio's voice webhook (`/twiml/start` + `query`) with a form body; signed like Twilio would (over
   * PUBLIC_URL or the local URL) when TWILIO_AUTH_TOKEN is set, unless `headers` carries its own X-Twilio-Signature.
   */
  webhook(query?: string, form?: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** A call as Twilio places it: the webhook (`form` carries CallSid, From, To), then the stream with the TwiML's `<Parameter>`s. */
  answer(form: { CallSid: string; From?: string; To?: string }, query?: string, callOptions?: Partial<TwilioCallOptions>): Promise<SimCall>;
  /** Twilio following the webhook's TwiML: the stream, signed, with its `<Parameter>`s. */
  stream(twiml: string, callSid: string, callOptions?: Partial<TwilioCallOptions>): Promise<SimCall>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const model = await startRealtimeSim({ apiKey: 'sk-test', ...options.model });
  const mainApp = await startMainApp(options.mainApp);
  const twilioRest = options.twilioRest ? await startTwilioRestServer(options.twilioRest === true ? {} : options.twilioRest) : undefined;
  const twilioConfig = twilioRest
    ? { TWILIO_ACCOUNT_SID: twilioRest.accountSid, TWILIO_AUTH_TOKEN: twilioRest.authToken, TWILIO_API_BASE_URL: twilioRest.baseUrl }
    : {};
  const config = testConfig({
    ...twilioConfig,
    OPENAI_REALTIME_URL: model.url,
    APP_URL: mainApp.url,
    LOG_LEVEL: 'debug',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-test-')),
    ...options.config,
  });
  const rawLogs: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger(config.LOG_LEVEL, sink);
  const runtime = await createRuntime(config, logger, options.clock ?? systemClock, options.runtime);
  const clock = options.clock ?? systemClock;
  const edit = options.editSessionUpdate;
  const bridge = await buildServer({
    ...runtime.serverDeps,
    ...(edit
      ? {
          openLink: (update: SessionUpdateEvent, log: typeof logger) =>
            openModelLink({ url: config.OPENAI_REALTIME_URL, model: config.OPENAI_REALTIME_MODEL, apiKey: config.OPENAI_API_KEY, sessionUpdate: edit(update), clock, logger: log }),
        }
      : {}),
  });
  await bridge.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = bridge.app.server.address() as AddressInfo;
  const calls: SimCall[] = [];
  function webhook(query = '', form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
    const path = `/twiml/start${query}`;
    const signed: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
    const token = config.TWILIO_AUTH_TOKEN;
    const hasSignature = Object.keys(headers).some((name) => name.toLowerCase() === 'x-twilio-signature');
    if (token && !hasSignature) signed['x-twilio-signature'] = computeTwilioSignature(token, `${config.PUBLIC_URL ?? `http://127.0.0.1:${port}`}${path}`, form);
    return fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: signed, body: new URLSearchParams(form).toString() });
  }
  async function stream(twiml: string, callSid: string, callOptions: Partial<TwilioCallOptions> = {}): Promise<SimCall> {
    const { parameters } = readStreamTwiml(twiml);
    const url = `ws://127.0.0.1:${port}/ws/twilio`;
    const headers: Record<string, string> = config.TWILIO_AUTH_TOKEN ? { 'X-Twilio-Signature': computeTwilioSignature(config.TWILIO_AUTH_TOKEN, url) } : {};
    const call = await dial(url, { nowMs: clock.wallNow().getTime() }, { ...callOptions, callSid, customParameters: parameters, headers });
    calls.push(call);
    twilioRest?.attach(call);
    return call;
  }
  return {
    model,
    mainApp,
    twilioRest,
    bridge,
    runtime,
    config,
    logs,
    rawLogs,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws/twilio`,
    async call(callOptions = {}) {
      const url = `ws://127.0.0.1:${port}/ws/twilio`;
      const call = await dial(url, { authToken: config.TWILIO_AUTH_TOKEN, streamTokenSecret: config.STREAM_TOKEN_SECRET, nowMs: clock.wallNow().getTime() }, callOptions);
      calls.push(call);
      twilioRest?.attach(call);
      return call;
    },
    webhook,
    async answer(form, query = `?orgId=${ORG_ID}`, callOptions = {}) {
      return stream(await (await webhook(query, form)).text(), form.CallSid, callOptions);
    },
    stream,
    async close() {
      await Promise.all(calls.filter((c) => c.isOpen).map((c) => c.hangUp().catch(() => undefined)));
      await bridge.app.close();
      await runtime.stop();
      await model.close();
      await mainApp.close();
      await twilioRest?.close();
    },
  };
}
