/**
 * One measurement: N calls against one target. Fresh processes for the model stand-in, the target and the load
 * generator; ramp up, warm up, measure for a fixed window, then mute the callers, let the pipes drain, compare
 * what was sent with what arrived, hang up and stop everything.
 */
import type { CallPattern } from './call-pattern.js';
import { RpcChild } from './ipc.js';
import type { CallersStartArgs } from './launch-callers.js';
import type { ModelStartArgs } from './launch-model.js';
import { LatencyHistogram, type HistogramSnapshot, type LatencySummary } from './latency-histogram.js';
import type { LoopDelay } from './loop-delay.js';
import { median } from './median.js';
import type { ProcessMemory } from './loop-probe.js';
import type { ModelProbeReport } from './model-probe.js';
import { cpus } from 'node:os';
import { cpuPercent, machinePercent, sampleMachine, sampleProc, type MachineSample, type ProcSample } from './proc-stats.js';
import { activeCalls, startTarget, stopTarget, type RunningTarget, type TargetEnvironment, type TargetKind } from './targets.js';

export interface ScenarioSettings {
  calls: number;
  /** Which of the repeated runs at this N (0 for the first); targets of one run are measured back to back. */
  run?: number;
  seconds: number;
  rampSeconds: number;
  warmupSeconds: number;
  phases: number;
  pattern: CallPattern;
  model: Omit<ModelStartArgs, 'apiKey'>;
  /** After muting the callers, how long to wait for audio still in flight. */
  drainMs: number;
}

export interface FrameCounts {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Messages that arrived without a stamp: audio the bridge made up or re-cut (none expected). */
  unstamped: number;
}

export interface ScenarioResult {
  target: TargetKind;
  calls: number;
  run: number;
  seconds: number;
  callsStarted: number;
  callsFailed: number;
  startFailures: Record<string, number>;
  /** `activeCalls` from the target's /health as the window opened. */
  activeCallsAtWindow: number | null;
  latencyMs: { callerToModel: LatencySummary; modelToCaller: LatencySummary };
  /** Caller frames (every 20 ms) and model audio deltas, over the whole calls. */
  frames: { callerToModel: FrameCounts; modelToCaller: FrameCounts };
  overheadMs: { greeting: LatencySummary; turn: LatencySummary };
  server: {
    cpuMsPerCallSecond: number;
    /** The part of it spent in the kernel (socket reads and writes, mostly). */
    systemMsPerCallSecond: number;
    cpuPercent: number;
    rssIdleMB: number;
    /** Peak RSS in the window (sampled every second). */
    rssMB: number;
    /** Median RSS in the window: the steady state. */
    rssSteadyMB: number;
    /** (peak − idle) ÷ calls. */
    rssPerCallKB: number;
    /** (steady − idle) ÷ calls. */
    rssSteadyPerCallKB: number;
    /** The process's own view of its memory, idle and as the window closed: V8's heap and spaces, buffers. */
    memory: { idle: ProcessMemory | null; end: ProcessMemory | null };
    /** Null when the target's probe did not answer (overloaded). */
    eventLoop: LoopDelay | null;
    /** Lines the target wrote to stdout/stderr (LOG_LEVEL=warn) during the scenario, and the last few. */
    logLines: number;
    logTail: string[];
  };
  loadGenerator: { cpuPercent: number; eventLoop: LoopDelay };
  model: { cpuPercent: number; eventLoop: LoopDelay; sessions: number; turns: number; greetings: number };
  twilio: { violations: number; clears: number; marksReceived: number; markEchoes: number; closedByBridge: number };
  /** The whole machine during the window, in % of one core: everything busy, stolen by the hypervisor, and used by processes other than the target, the model stand-in and the load generator. */
  machine: { cores: number; busyPercent: number; stealPercent: number; othersPercent: number };
  /** Why the figures may not be clean (a busy or saturated machine, a lagging load generator). */
  notes: string[];
  /** p99 under the budget both ways, nothing lost or duplicated, every call started. */
  withinBudget: boolean;
}

export const LATENCY_BUDGET_MS = 5;

interface CallCounts {
  started: number;
  failedStarts: number;
  startFailures: Record<string, number>;
  violations: number;
  clears: number;
  marksReceived: number;
  markEchoes: number;
  closedByBridge: number;
}

interface CallersReport {
  framesSent: number;
  deltasDelivered: number;
  deltasDuplicated: number;
  mediaUnstamped: number;
  modelToCaller: HistogramSnapshot;
  turnOverhead: HistogramSnapshot;
  greetingOverhead: HistogramSnapshot;
  calls: CallCounts;
}

type ModelReport = ModelProbeReport & { openSessions: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const summary = (s: HistogramSnapshot) => LatencyHistogram.from(s).summary();
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;


function frameCounts(sent: number, delivered: number, duplicated: number, unstamped: number): FrameCounts {
  return { sent, delivered, lost: Math.max(0, sent - delivered), duplicated, unstamped };
}

function within(result: Omit<ScenarioResult, 'withinBudget'>): boolean {
  const { callerToModel, modelToCaller } = result.latencyMs;
  const underBudget = (s: LatencySummary) => s.count > 0 && s.p99Ms !== null && s.p99Ms < LATENCY_BUDGET_MS;
  const clean = (f: FrameCounts) => f.lost === 0 && f.duplicated === 0;
  return (
    result.callsFailed === 0 &&
    underBudget(callerToModel) &&
    underBudget(modelToCaller) &&
    clean(result.frames.callerToModel) &&
    clean(result.frames.modelToCaller)
  );
}

export async function runScenario(kind: TargetKind, settings: ScenarioSettings, env: Omit<TargetEnvironment, 'modelUrl'>, log: (line: string) => void): Promise<ScenarioResult> {
  const model = RpcChild.fork('launch-model');
  const callers = RpcChild.fork('launch-callers');
  let target: RunningTarget | undefined;
  try {
    const { url: modelUrl } = await model.call<{ url: string }>('start', { apiKey: env.apiKey, ...settings.model } satisfies ModelStartArgs);
    const running = await startTarget(kind, { ...env, modelUrl });
    target = running;
    const server = running.process;
    const idle = await idleSample(server.pid);
    const idleMemory = await server.call<ProcessMemory>('memory').catch(() => null);

    log(`  ${kind}: ramping up ${settings.calls} calls over ${settings.rampSeconds} s`);
    const startArgs: CallersStartArgs = {
      url: running.streamUrl,
      calls: settings.calls,
      rampMs: settings.rampSeconds * 1000,
      phases: settings.phases,
      pattern: settings.pattern,
      customParameters: { orgId: env.orgId },
    };
    await callers.call<CallCounts>('start', startArgs, (settings.rampSeconds + 60) * 1000);
    await sleep(settings.warmupSeconds * 1000);

    const window = await measureWindow(settings.seconds, { server, callers, model }, () => activeCalls(running), log, kind);
    await callers.call('mute');
    await sleep(settings.drainMs);
    const [c, m] = await Promise.all([callers.call<CallersReport>('report'), model.call<ModelReport>('report')]);
    await callers.call('hangUp', undefined, 30_000).catch(() => undefined); // the processes are stopped below anyway
    return assemble(kind, settings, { idle, idleMemory, window, logLines: server.outputLines, logTail: server.tailLines(5) }, c, m);
  } finally {
    await Promise.all([callers.stop(), model.stop(), target ? stopTarget(target) : undefined]);
  }
}

/**
 * The target at rest before any call: given 2 s to settle after start-up (its RSS moves for a while as start-up's
 * garbage is collected), then the sample of median RSS out of five taken 250 ms apart.
 */
async function idleSample(pid: number): Promise<ProcSample> {
  await sleep(2000);
  const samples: ProcSample[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(250);
    samples.push(sampleProc(pid));
  }
  return samples.sort((a, b) => a.rssKB - b.rssKB)[2]!;
}

interface WindowSamples {
  begin: Record<'server' | 'callers' | 'model', ProcSample> & { machine: MachineSample };
  end: WindowSamples['begin'];
  rssPeakKB: number;
  rssSteadyKB: number;
  /** Where the target's memory was as the window closed (its probe's view). */
  memory: ProcessMemory | null;
  serverLoop: LoopDelay | null;
  callersLoop: LoopDelay;
  modelLoop: LoopDelay;
  activeAtWindow: number | null;
}

interface ServerSamples {
  idle: ProcSample;
  idleMemory: ProcessMemory | null;
  window: WindowSamples;
  logLines: number;
  logTail: string[];
}

type Processes = Record<'server' | 'callers' | 'model', RpcChild>;

function sampleAll(p: Processes): WindowSamples['begin'] {
  return { server: sampleProc(p.server.pid), callers: sampleProc(p.callers.pid), model: sampleProc(p.model.pid), machine: sampleMachine() };
}

/** The measured window: latencies recorded and event-loop delay reset at its start, CPU and peak RSS sampled. */
async function measureWindow(seconds: number, p: Processes, active: () => Promise<number | null>, log: (line: string) => void, kind: TargetKind): Promise<WindowSamples> {
  // An overloaded target may not answer its probe in time; its other figures still stand.
  await Promise.all([p.callers.call('measure', { on: true }), p.model.call('measure', { on: true }), p.server.call('loopReset', undefined, 15_000).catch(() => undefined)]);
  const activeAtWindow = await active();
  const begin = sampleAll(p);
  log(`  ${kind}: measuring for ${seconds} s`);
  const rss = [begin.server.rssKB];
  for (let left = seconds * 1000; left > 0; left -= 1000) {
    await sleep(Math.min(1000, left));
    rss.push(sampleProc(p.server.pid).rssKB);
  }
  const end = sampleAll(p);
  const rssPeakKB = Math.max(...rss);
  const rssSteadyKB = median(rss);
  const [callersLoop, modelLoop] = await Promise.all([p.callers.call<LoopDelay>('measure', { on: false }), p.model.call<LoopDelay>('measure', { on: false })]);
  const serverLoop = await p.server.call<LoopDelay>('loopRead', undefined, 15_000).catch(() => null);
  const memory = await p.server.call<ProcessMemory>('memory', undefined, 15_000).catch(() => null);
  return { begin, end, rssPeakKB, rssSteadyKB, memory, serverLoop, callersLoop, modelLoop, activeAtWindow };
}

function assemble(kind: TargetKind, settings: ScenarioSettings, s: ServerSamples, c: CallersReport, m: ModelReport): ScenarioResult {
  const { begin, end } = s.window;
  const machine = machinePercent(begin.machine, end.machine);
  const serverCpu = cpuPercent(begin.server, end.server);
  const callersCpu = cpuPercent(begin.callers, end.callers);
  const modelCpu = cpuPercent(begin.model, end.model);
  const windowSeconds = (end.server.at - begin.server.at) / 1000;
  const callSeconds = Math.max(1, c.calls.started) * windowSeconds;
  const result: Omit<ScenarioResult, 'withinBudget'> = {
    target: kind,
    calls: settings.calls,
    run: settings.run ?? 0,
    seconds: round(windowSeconds, 1),
    callsStarted: c.calls.started,
    callsFailed: c.calls.failedStarts,
    startFailures: c.calls.startFailures,
    activeCallsAtWindow: s.window.activeAtWindow,
    latencyMs: { callerToModel: summary(m.callerToModel), modelToCaller: summary(c.modelToCaller) },
    frames: {
      callerToModel: frameCounts(c.framesSent, m.framesDelivered, m.framesDuplicated, m.framesUnstamped),
      modelToCaller: frameCounts(m.deltasStamped, c.deltasDelivered, c.deltasDuplicated, c.mediaUnstamped),
    },
    overheadMs: { greeting: summary(c.greetingOverhead), turn: summary(c.turnOverhead) },
    server: {
      cpuMsPerCallSecond: round((end.server.cpuMs - begin.server.cpuMs) / callSeconds, 3),
      systemMsPerCallSecond: round((end.server.systemMs - begin.server.systemMs) / callSeconds, 3),
      cpuPercent: round(serverCpu, 1),
      rssIdleMB: round(s.idle.rssKB / 1024, 1),
      rssMB: round(s.window.rssPeakKB / 1024, 1),
      rssSteadyMB: round(s.window.rssSteadyKB / 1024, 1),
      rssPerCallKB: round((s.window.rssPeakKB - s.idle.rssKB) / Math.max(1, c.calls.started), 1),
      rssSteadyPerCallKB: round((s.window.rssSteadyKB - s.idle.rssKB) / Math.max(1, c.calls.started), 1),
      memory: { idle: s.idleMemory, end: s.window.memory },
      eventLoop: s.window.serverLoop,
      logLines: s.logLines,
      logTail: s.logTail,
    },
    loadGenerator: { cpuPercent: round(callersCpu, 1), eventLoop: s.window.callersLoop },
    model: { cpuPercent: round(modelCpu, 1), eventLoop: s.window.modelLoop, sessions: m.sessions, turns: m.turns, greetings: m.greetings },
    twilio: {
      violations: c.calls.violations,
      clears: c.calls.clears,
      marksReceived: c.calls.marksReceived,
      markEchoes: c.calls.markEchoes,
      closedByBridge: c.calls.closedByBridge,
    },
    machine: {
      cores: cpus().length,
      busyPercent: round(machine.busy, 1),
      stealPercent: round(machine.steal, 1),
      othersPercent: round(Math.max(0, machine.busy - serverCpu - callersCpu - modelCpu), 1),
    },
    notes: [],
  };
  result.notes = notesOn(result);
  return { ...result, withinBudget: within(result) };
}

function notesOn(r: Omit<ScenarioResult, 'withinBudget'>): string[] {
  const notes: string[] = [];
  const { cores, busyPercent, stealPercent, othersPercent } = r.machine;
  if (busyPercent > cores * 90) notes.push(`the machine was saturated (${busyPercent}% of ${cores * 100}%)`);
  if (othersPercent > 15) notes.push(`other processes used ${othersPercent}% of a core`);
  if (stealPercent > 5) notes.push(`the hypervisor took ${stealPercent}% of a core`);
  const lag = r.loadGenerator.eventLoop.p99Ms;
  if (lag > LATENCY_BUDGET_MS) notes.push(`the load generator's event loop lagged (p99 ${lag} ms), which latencies include`);
  return notes;
}
