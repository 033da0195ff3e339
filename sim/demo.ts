/**
 * `npm run demo`: one short phone call through the real bridge, with no account or key. Everything runs in this
 * process on 127.0.0.1: the bridge, the stand-in main app (org_luigis from contract/), the stand-in
 * OpenAI Realtime model (scripted), the stand-in Twilio REST API (hang-up, the SMS confirmation) and a simulated
 * Twilio caller. Prints the conversation as it happens, then a
 * summary; exits 0 when every step happened as expected, 1 with the reason otherwise.
 *
 *   import { runDemo } from '../sim/demo.js';
 *   const result = await runDemo({ out: () => {}, keepLogs: false });
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/clock.js';
import { DemoCall, type CallObservations } from './demo-call.js';
import { formatMoney } from '../src/ordering/money.js';
import { phrase } from '../src/phrases/phrases.js';
import { Narrator, seconds } from './demo-narrator.js';
import { DEMO_CALLER_NUMBER, DEMO_DIALLED_NUMBER, DEMO_ORG_ID, demoModel } from './demo-script.js';
import { answerIncomingCall, startDemoStack, type BridgeLogLine, type DemoStack } from './demo-stack.js';
import { checkDemo, type DemoFacts } from './demo-checks.js';
import { loadContractExample, type RecordedCallRecord } from './main-app.js';
import { computeTwilioSignature } from '../src/twilio/signature.js';
import type { SimSession } from './realtime-session.js';
import { startTwilioCall, type SimCall } from './twilio-caller.js';

export interface DemoOptions {
  /** Where the transcript goes, line by line (default: stdout). */
  out?: (line: string) => void;
  /** Overall guard: the demo fails if the call has not finished by then. Default 30 s. */
  timeoutMs?: number;
  /** Keep the temp directory with the bridge's log file (default true; the path is printed). */
  keepLogs?: boolean;
}

export interface DemoResult extends DemoFacts {
  ok: boolean;
  /** What went wrong (a failed step, a timeout or a failed check), when not ok. */
  problems: string[];
  durationMs: number;
  /** Everything printed. */
  lines: string[];
  /** The bridge's log file (kept unless `keepLogs: false`). */
  logFile: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** What the run has started so far (for the checks, and so that everything gets closed). */
interface Running {
  stack?: DemoStack;
  call?: SimCall;
  session?: SimSession;
  conversation?: DemoCall;
  bridgeRecord?: BridgeLogLine;
  appRecords?: RecordedCallRecord[];
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const clock = systemClock;
  const out = options.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const startedAt = clock.now();
  const narrator = new Narrator(startedAt, out);
  const model = demoModel(clock);
  const running: Running = {};
  let step = 'starting the bridge and the stand-ins';
  let aborted = false;
  /** Names the step a failure is reported against; after a timeout it stops the run at its next step. */
  const advance = (next: string) => {
    if (aborted) throw new Error('the demo was stopped');
    step = next;
  };
  const problems: string[] = [];

  const work = async () => {
    const stack = (running.stack = await startDemoStack({
      clock,
      model,
      removeDataDir: options.keepLogs === false,
      orgs: { [DEMO_ORG_ID]: { ...(loadContractExample('org-config.example.json') as object), sms: { confirmations: true }, recording: { enabled: true } } },
      phoneNumbers: [DEMO_DIALLED_NUMBER],
      onText: (text) => {
        narrator.say(clock.now(), 'SMS', `to ${text.to} from ${text.from} (${text.segments} segment${text.segments === 1 ? '' : 's'}):`);
        narrator.detail(text.body);
      },
    }));
    narrator.plain(`Voice bridge demo: a phone call to Luigi's Pizzeria (${DEMO_ORG_ID}), all on 127.0.0.1, no account or key needed.`);
    narrator.plain(`  bridge ${stack.bridgeUrl} · model stand-in ${stack.model.url} · main app stand-in ${stack.mainApp.url} · Twilio REST stand-in ${stack.twilioRest.baseUrl}`);
    narrator.plain();
    advance('answering the incoming call (TwiML webhook)');
    narrator.startClock(clock.now());
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const { authToken } = stack.twilioRest;
    const stream = await answerIncomingCall(stack.bridgeUrl, DEMO_ORG_ID, { CallSid: callSid, AccountSid: stack.twilioRest.accountSid, From: DEMO_CALLER_NUMBER, To: DEMO_DIALLED_NUMBER }, authToken);
    const params = Object.entries(stream.parameters).map(([k, v]) => `${k}=${k === 'callToken' ? '…' : v}`).join(', ');
    narrator.say(clock.now(), 'TWILIO', `POST /twiml/start → <Connect><Stream url="${stream.streamUrl}">`);
    narrator.detail(`parameters: ${params}`);
    advance('connecting the media stream');
    const callStartedAt = clock.now();
    const headers = { 'X-Twilio-Signature': computeTwilioSignature(authToken, stream.streamUrl) };
    const call = (running.call = await startTwilioCall({ url: stream.streamUrl, callSid, customParameters: stream.parameters, headers, clock }));
    stack.twilioRest.attach(call, { from: DEMO_CALLER_NUMBER, to: DEMO_DIALLED_NUMBER });
    void stack.twilioRest.waitForRequest((r) => r.resource === 'recording' && r.callSid === callSid, DEFAULT_TIMEOUT_MS).then(
      (r) => narrator.say(r.at, 'TWILIO', `recording started over REST (${r.params.RecordingChannels} channels), after the consent line was heard`),
      () => undefined,
    );
    const session = (running.session = await stack.model.nextSession(5000));
    const conversation = (running.conversation = new DemoCall({
      call,
      session,
      model,
      mainApp: stack.mainApp,
      bridgeLog: stack.bridgeLog,
      narrator,
      clock,
      startedAt: callStartedAt,
      onStep: advance,
    }));
    await conversation.run();
    advance('waiting for the SMS confirmation');
    await stack.twilioRest.waitForRequest((r) => r.resource === 'message' && r.status === 201, 5000);
    advance("reading the bridge's call record");
    running.bridgeRecord = await stack.bridgeLog.waitFor((l) => l.type === 'call record', 3000);
    advance("waiting for the call record at the restaurant's app");
    const [appRecord] = (running.appRecords = await stack.mainApp.waitForCallRecords(1, 10_000));
    const record = appRecord!.body;
    narrator.say(clock.now(), 'APP', `call record stored: ${record.outcome}, order ${record.orderId ?? 'none'}, ${record.transcript.length} transcript lines, recording ${record.recording?.sid ?? 'none'}, ~$${record.usage.estimatedCostUsd.toFixed(3)}`);
    if (record.summary) narrator.detail(`summary (written by the model after the call): ${record.summary}`);
  };

  const attempt = work();
  try {
    await withDeadline(attempt, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (err) {
    problems.push(`failed while ${step}: ${(err as Error).message}`);
    aborted = true;
  }

  const facts = collectFacts(running);
  const logFile = options.keepLogs === false ? undefined : running.stack?.logFile;
  await closeAll(running);
  if (aborted) {
    // Closing makes its pending waits fail; then close whatever it was still starting.
    await attempt.catch(() => undefined);
    await closeAll(running);
  }
  if (problems.length === 0) problems.push(...checkDemo(facts, expectedGreeting()));
  const durationMs = clock.now() - startedAt;
  printSummary(narrator, facts, problems, durationMs, logFile);
  return { ...facts, ok: problems.length === 0, problems, durationMs, lines: narrator.lines, logFile };
}

async function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function collectFacts(running: Running): DemoFacts {
  const seen: CallObservations = running.conversation?.seen ?? { turnLatenciesMs: [] };
  return {
    greeting: seen.greeting,
    turnLatenciesMs: seen.turnLatenciesMs,
    clears: running.call?.clears.length ?? 0,
    truncations: [...(running.session?.truncations ?? [])],
    orders: running.stack?.mainApp.orders() ?? [],
    texts: [...(running.stack?.twilioRest.messages ?? [])],
    callEnd: seen.close ? { by: seen.close.by, reason: seen.endReason } : undefined,
    violations: [...(running.call?.violations ?? [])],
    bridgeRecord: running.bridgeRecord,
    appRecords: running.appRecords ?? [],
    recordings: running.stack?.twilioRest.requests.filter((r) => r.resource === 'recording' && r.status === 201).map((r) => r.at) ?? [],
  };
}

async function closeAll(running: Running): Promise<void> {
  if (running.call?.isOpen) await running.call.hangUp().catch(() => undefined);
  await running.stack?.close();
}

/** The bridge's own consent line (the org gives none), then the org's greeting. */
function expectedGreeting(): string {
  return `${phrase('en', 'recordingConsent')} ${(loadContractExample('org-config.example.json') as { greeting: string }).greeting}`;
}

function printSummary(narrator: Narrator, facts: DemoFacts, problems: string[], durationMs: number, logFile: string | undefined): void {
  const row = (label: string, text: string) => narrator.plain(`  ${label.padEnd(14)} ${text}`);
  narrator.plain();
  narrator.plain('Summary');
  if (facts.greeting) row('greeting', `heard ${seconds(facts.greeting.firstAudioAfterMs)} after the stream connected`);
  if (facts.turnLatenciesMs.length > 0) {
    row('turn latency', `${facts.turnLatenciesMs.map(seconds).join(', ')}: caller stops talking → first agent audio at the phone,`);
    row('', "mostly the model's 500 ms end-of-speech wait (server VAD); the stand-in model itself answers at once");
  }
  const record = facts.bridgeRecord as { greetingLatencyMs?: number | null; turnLatencyMs?: { p50: number | null; max: number | null } } | undefined;
  if (record?.turnLatencyMs?.p50 != null) {
    row("bridge's view", `its call record: greeting ${seconds(record.greetingLatencyMs ?? 0)}; end of turn (VAD) → playout p50 ${seconds(record.turnLatencyMs.p50)}, max ${seconds(record.turnLatencyMs.max ?? 0)}`);
  }
  const cut = facts.truncations[0];
  row('barge-in', `${facts.clears} clear, ${facts.truncations.length} truncate${cut ? ` (agent cut at ${cut.audioEndMs} ms of ${Math.round(cut.itemAudioMs)})` : ''}`);
  const order = facts.orders[0];
  const subtotal = order ? formatMoney(order.body.subtotalCents, order.body.currency) : '';
  row('order', order ? `${order.orderId} for ${order.body.customer.name} (${order.body.fulfillment.type}), ${subtotal} = ${order.body.subtotalCents} cents; ${facts.orders.length} order(s) at the main app` : 'none');
  const text = facts.texts[0];
  row('sms', text ? `${facts.texts.length} text to ${text.to} from ${text.from}, ${text.body.length} characters in ${text.segments} segment(s)` : 'none');
  const closedBy = facts.callEnd?.by === 'twilio' ? "Twilio, on the bridge's REST hang-up" : `the ${facts.callEnd?.by}`;
  if (facts.callEnd) row('end', `closed by ${closedBy} (bridge reason: ${facts.callEnd.reason ?? 'unknown'})`);
  row('twilio checks', `${facts.violations.length} protocol violation(s) in what the bridge sent`);
  row('duration', `${seconds(durationMs)} in all, starting the stand-ins included`);
  if (logFile) row('bridge logs', logFile);
  narrator.plain();
  if (problems.length === 0) narrator.plain('Demo OK.');
  else for (const problem of problems) narrator.plain(`DEMO FAILED: ${problem}`);
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href;
}

if (isMain()) {
  const result = await runDemo();
  process.exitCode = result.ok ? 0 : 1;
  // Everything is closed by now, so the process ends by itself; this only catches a leaked handle.
  setTimeout(() => {
    process.stderr.write('demo: something kept the process alive after the call; exiting\n');
    process.exit(result.ok ? 0 : 1);
  }, 5000).unref();
}
