/**
 * The load generator in its own process, driven over IPC: N simulated Twilio calls (`sim/twilio-caller.ts`)
 * started spread over the ramp, on a few shared 20 ms tickers whose phases are spread across the frame period.
 */
import { systemClock, type Clock } from '../src/clock.js';
import { startTwilioCall, type SimCall } from '../sim/twilio-caller.js';
import { fakeSid } from '../sim/twilio-inbound.js';
import { tickerFor } from '../sim/twilio-ticker.js';
import { LoadProbe, ProbedCall, type CallPattern } from './call-pattern.js';
import { serveRpc } from './ipc.js';
import { LoopDelayMonitor } from './loop-delay.js';

export interface CallersStartArgs {
  url: string;
  calls: number;
  rampMs: number;
  /** Distinct 20 ms phases (one ticker each). */
  phases: number;
  pattern: CallPattern;
  customParameters: Record<string, string>;
}

const probe = new LoadProbe();
const loop = new LoopDelayMonitor();
const calls: SimCall[] = [];
const unpin: Array<() => void> = [];
let failedStarts = 0;
const failures = new Map<string, number>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One clock per phase: the shared ticker of each is pinned to start `k · 20/phases` ms after the first. */
async function phaseClocks(phases: number): Promise<Clock[]> {
  const clocks: Clock[] = [];
  for (let k = 0; k < phases; k++) {
    const clock: Clock = { ...systemClock };
    unpin.push(tickerFor(clock).subscribe(() => undefined));
    clocks.push(clock);
    await sleep(20 / phases);
  }
  return clocks;
}

async function startOne(args: CallersStartArgs, index: number, clock: Clock): Promise<void> {
  const call = new ProbedCall(index, args.pattern, probe);
  const callSid = fakeSid('CA');
  try {
    const sim = await startTwilioCall({
      url: args.url,
      clock,
      callSid,
      customParameters: { ...args.customParameters, callSid },
      frameSource: call.frame,
      onOutboundMedia: call.onMedia,
      recordMedia: false,
      exactMarkTiming: false,
      connectTimeoutMs: 15_000,
    });
    calls.push(sim);
  } catch (err) {
    failedStarts++;
    const reason = err instanceof Error ? err.message : String(err);
    failures.set(reason, (failures.get(reason) ?? 0) + 1);
  }
}

function callCounts() {
  let violations = 0;
  let clears = 0;
  let marksReceived = 0;
  let markEchoes = 0;
  let closedByBridge = 0;
  for (const c of calls) {
    violations += c.violations.length;
    clears += c.clears.length;
    marksReceived += c.marksReceived.length;
    markEchoes += c.markEchoes.length;
    if (c.closeInfo?.by === 'bridge') closedByBridge++;
  }
  return { started: calls.length, failedStarts, startFailures: Object.fromEntries(failures), violations, clears, marksReceived, markEchoes, closedByBridge };
}

serveRpc({
  start: async (args: CallersStartArgs) => {
    const clocks = await phaseClocks(Math.max(1, args.phases));
    const starts: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < args.calls; i++) {
      const due = t0 + (args.rampMs * i) / args.calls;
      await sleep(Math.max(0, due - performance.now()));
      starts.push(startOne(args, i, clocks[i % clocks.length]!));
    }
    await Promise.all(starts);
    return callCounts();
  },
  /** Opens or closes the measured window; closing returns this process's event-loop delay over it. */
  measure: ({ on }: { on: boolean }) => {
    probe.measuring = on;
    if (!on) return loop.read();
    probe.startWindow();
    loop.reset();
    return undefined;
  },
  mute: () => {
    probe.muted = true;
  },
  report: () => ({
    framesSent: probe.framesSent,
    deltasDelivered: probe.deltasDelivered,
    deltasDuplicated: probe.deltasDuplicated,
    mediaUnstamped: probe.mediaUnstamped,
    modelToCaller: probe.modelToCaller.snapshot(),
    turnOverhead: probe.turnOverhead.snapshot(),
    greetingOverhead: probe.greetingOverhead.snapshot(),
    calls: callCounts(),
  }),
  hangUp: async () => {
    await Promise.all(calls.map((c) => c.hangUp()));
    for (const u of unpin.splice(0)) u();
  },
});
