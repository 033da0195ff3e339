import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMainApp, type MainAppStandIn } from '../../sim/main-app.js';
import { callTool, say, startRealtimeSim, type RealtimeSim, type StartRealtimeSimOptions } from '../../sim/realtime-server.js';
import type { SimCall } from '../../sim/twilio-caller.js';
import { startTwilioRestServer, type TwilioRestStandIn } from '../../sim/twilio-rest.js';
import { startBridgeProcess, THROW_ON_SIGNAL, type BridgeProcess } from '../helpers/bridge-process.js';
import { dial } from '../helpers/dial.js';
import { outputs, stepResponder } from '../helpers/scripts.js';
import { waitForCondition } from '../helpers/wait.js';

/** Stand-ins in this process, the bridge in its own, as in production. */
interface Stack {
  model: RealtimeSim;
  app: MainAppStandIn;
  rest: TwilioRestStandIn;
  dataDir: string;
  processes: BridgeProcess[];
  start(env?: Record<string, string>, preloads?: string[]): Promise<BridgeProcess>;
  call(bridge: BridgeProcess, callSid?: string): Promise<SimCall>;
}

let stack: Stack | undefined;
afterEach(async () => {
  for (const p of stack?.processes ?? []) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
  await stack?.model.close();
  await stack?.app.close();
  await stack?.rest.close();
  stack = undefined;
});

async function startStack(model: StartRealtimeSimOptions = {}): Promise<Stack> {
  const sim = await startRealtimeSim({ apiKey: 'sk-test', ...model });
  const app = await startMainApp();
  const rest = await startTwilioRestServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-faults-'));
  const processes: BridgeProcess[] = [];
  const env = {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_REALTIME_URL: sim.url,
    APP_URL: app.url,
    DATA_DIR: dataDir,
    TWILIO_ACCOUNT_SID: rest.accountSid,
    TWILIO_AUTH_TOKEN: rest.authToken,
    TWILIO_API_BASE_URL: rest.baseUrl,
  };
  return (stack = {
    model: sim,
    app,
    rest,
    dataDir,
    processes,
    async start(extra = {}, preloads = []) {
      const bridge = startBridgeProcess({ ...env, ...extra }, preloads);
      processes.push(bridge);
      await bridge.listening;
      return bridge;
    },
    async call(bridge, callSid) {
      const call = await dial(bridge.wsUrl, { authToken: rest.authToken, nowMs: Date.now() }, callSid ? { callSid } : {});
      rest.attach(call);
      return call;
    },
  });
}

const addPizza = callTool('add_item', { item: 'item_margherita', options: ['opt_large'] });
const submit = callTool('submit_order', { customer_name: 'Ana', fulfillment_type: 'pickup', confirmed: true });
/** A fresh script each time: a step responder counts its responses. */
const ordering = () => ({ responder: stepResponder([[say('Hi!', 200), addPizza], [submit], [say('It is received.', 400)], [say('Still here.', 4000)]]) });

function outboxFiles(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'outbox')).filter((name) => name.endsWith('.json'));
}

/** The caller has been told the order is received (the app was down, so it waits in the outbox). */
async function orderQueued(stack: Stack): Promise<void> {
  const session = await stack.model.nextSession(10_000);
  await session.waitUntil(() => outputs(session).some((o) => o.status === 'received'), 20_000, 'the order to be queued');
}

describe('faults against the real process', { timeout: 60_000 }, () => {
  it('SIGTERM with a live call and a queued order: the caller hears a last line, exit 0, and the order is delivered after the restart', async () => {
    const s = await startStack(ordering());
    s.app.failNextSubmits(1000, '503');
    const bridge = await s.start({ DRAIN_TIMEOUT_SECONDS: '1' });
    const call = await s.call(bridge);
    await orderQueued(s);
    expect(outboxFiles(s.dataDir)).toHaveLength(1);
    bridge.proc.kill('SIGTERM');
    expect(await bridge.exited).toBe(0);
    // The drain's deadline passed with the call live: a last line was asked for, then the call was hung up over REST.
    expect(s.model.sessions[0]!.received.some((e) => e.type === 'response.create' && JSON.stringify(e).includes('"wrap-up"'))).toBe(true);
    await s.rest.waitForRequest((r) => r.callSid === call.callSid && r.params.Status === 'completed', 5000);
    expect(outboxFiles(s.dataDir)).toHaveLength(1);
    s.app.healSubmits();
    const next = await s.start();
    await s.app.waitForOrders(1, 15_000);
    await waitForCondition(() => next.logs.some((l) => l.msg === 'outbox entry delivered'), 15_000, 'the delivery');
    expect(s.app.orders()).toHaveLength(1);
  });

  it('kill -9 after the caller was told the order is received: delivered exactly once by the next process', async () => {
    const s = await startStack(ordering());
    s.app.failNextSubmits(1000, '503');
    const bridge = await s.start();
    await s.call(bridge);
    await orderQueued(s);
    bridge.proc.kill('SIGKILL');
    await bridge.exited;
    s.app.healSubmits();
    await s.start();
    const [order] = await s.app.waitForOrders(1, 15_000);
    await waitForCondition(() => outboxFiles(s.dataDir).length === 0, 15_000, 'the outbox to empty');
    expect(s.app.orders()).toHaveLength(1);
    expect(new Set(s.app.submitRequests().map((r) => r.idempotencyKey))).toEqual(new Set([order!.idempotencyKey]));
  });

  it('an uncaught exception: live callers get a spoken apology over REST, and the process exits 70', async () => {
    const s = await startStack();
    const bridge = await s.start({}, [THROW_ON_SIGNAL]);
    const call = await s.call(bridge);
    await call.waitForAudio(100, 5000);
    bridge.proc.kill('SIGUSR2');
    expect(await bridge.exited).toBe(70);
    const apology = await s.rest.waitForRequest((r) => r.callSid === call.callSid && r.params.Twiml !== undefined, 5000);
    expect(apology.params.Twiml).toMatch(/<Say[^>]*>[^<]*sorry/i);
    expect(bridge.logs.some((l) => l.msg === 'uncaught exception; ending calls, flushing briefly and exiting')).toBe(true);
  });

  it('a silent model: the session is replaced and the caller is greeted', async () => {
    const s = await startStack({ onSession: (session) => session.index === 0 && session.goSilentOnNext('response.create') });
    const bridge = await s.start({ MODEL_RESPONSE_TIMEOUT_SECONDS: '1' });
    const call = await s.call(bridge);
    await call.waitForAudio(200, 10_000);
    expect(s.model.sessions).toHaveLength(2);
  });

  it('a silent phone leg: the call is hung up over REST and the model session closed', async () => {
    const s = await startStack();
    const bridge = await s.start({ STREAM_SILENCE_SECONDS: '1' });
    const call = await s.call(bridge);
    await call.waitForAudio(100, 5000);
    call.goSilent();
    await s.rest.waitForRequest((r) => r.callSid === call.callSid && r.params.Status === 'completed', 10_000);
    await s.model.sessions[0]!.closed;
  });

  it('a replayed token: a second stream for the same call opens no model session', async () => {
    const s = await startStack();
    const bridge = await s.start();
    const first = await s.call(bridge, 'CAreplayed');
    await first.waitForAudio(100, 5000);
    const replay = await s.call(bridge, 'CAreplayed');
    expect((await replay.waitForClose(5000)).code).toBe(1008);
    expect(s.model.sessions).toHaveLength(1);
    expect(first.isOpen).toBe(true);
  });
});
