/**
 * The demo call, step by step, from the simulated phone's side: it waits for each thing to happen (never a fixed
 * sleep) and narrates it. Texts come from the model stand-in's session (transcripts, tool outputs); times and
 * latencies from the simulated caller (when audio reached the phone).
 */
import type { Clock } from '../src/clock.js';
import { BYTES_PER_MS } from './audio.js';
import { BARGE_IN_AFTER_MS, CALL_IDS, CALLER_LINES, type DemoModel } from './demo-script.js';
import { describeOrder, describeToolResult, seconds, type Narrator } from './demo-narrator.js';
import type { BridgeLogLine } from './demo-stack.js';
import type { MainAppStandIn, RecordedOrder } from './main-app.js';
import type { EventLog } from './realtime-event-log.js';
import type { SimSession } from './realtime-session.js';
import type { ResponseRecord, TruncationRecord } from './realtime-types.js';
import type { CloseInfo, ReceivedMedia, SimCall } from './twilio-caller.js';

const STEP_TIMEOUT_MS = 8000;
const TOOL_NAMES: Record<string, string> = {
  [CALL_IDS.addPizza]: 'add_item',
  [CALL_IDS.addCola]: 'add_item',
  [CALL_IDS.submit]: 'submit_order',
};

export interface CallObservations {
  greeting?: { text: string; firstAudioAfterMs: number };
  /** Per caller turn: the caller's end of speech → the first agent audio at the phone. */
  turnLatenciesMs: number[];
  bargeIn?: { startedTalkingAt: number; clearAt: number; truncation: TruncationRecord };
  order?: RecordedOrder;
  close?: CloseInfo;
  /** The bridge's own end reason (its `call ended` log line). */
  endReason?: string;
}

export interface DemoCallParts {
  call: SimCall;
  session: SimSession;
  model: DemoModel;
  mainApp: MainAppStandIn;
  bridgeLog: EventLog<BridgeLogLine>;
  narrator: Narrator;
  clock: Clock;
  /** When the phone connected the stream. */
  startedAt: number;
  /** Called as the call moves on, so a timeout can say where it stopped. */
  onStep: (step: string) => void;
}

export class DemoCall {
  readonly seen: CallObservations = { turnLatenciesMs: [] };
  private nextResponse = 0;
  private callerTurns = 0;

  constructor(private readonly parts: DemoCallParts) {}

  /** The whole scripted call: greeting, question, barge-in, order, goodbye. */
  async run(): Promise<CallObservations> {
    const { call, narrator } = this.parts;
    this.parts.onStep('waiting for the greeting');
    const greeting = await this.agentSpeaks();
    this.seen.greeting = { text: greeting.text, firstAudioAfterMs: greeting.arrivedAt - this.parts.startedAt };
    this.parts.onStep('letting the greeting play out');
    await call.waitForBotSilence(300, STEP_TIMEOUT_MS);

    const question = await this.callerSays();
    const answer = await this.agentAnswers(question);
    await this.bargeInWithOrder(answer);
    await this.toolResult(CALL_IDS.addPizza);
    await this.toolResult(CALL_IDS.addCola);
    await this.agentSpeaks();
    this.parts.onStep('letting the read-back play out');
    await call.waitForBotSilence(300, STEP_TIMEOUT_MS);

    const yes = await this.callerSays();
    await this.agentAnswers(yes);
    await this.toolResult(CALL_IDS.submit);
    await this.orderAtMainApp();
    await this.agentSpeaks();
    await this.hangUpByAgent();
    return this.seen;
  }

  /** The goodbye came with end_call: the bridge lets it play out, then ends the call. */
  private async hangUpByAgent(): Promise<void> {
    const { call, session, narrator, bridgeLog } = this.parts;
    this.parts.onStep('waiting for the agent to hang up (end_call)');
    await session.waitUntil(() => session.functionOutputs.some((o) => o.callId === CALL_IDS.endCall), STEP_TIMEOUT_MS, 'the end_call output');
    const close = (this.seen.close = await call.waitForClose(STEP_TIMEOUT_MS));
    const ended = await bridgeLog.waitFor((l) => l.type === 'call ended', STEP_TIMEOUT_MS, "the bridge's 'call ended' log line");
    this.seen.endReason = typeof ended.reason === 'string' ? ended.reason : undefined;
    const who =
      close.by === 'twilio' ? "the bridge hung up over Twilio's REST API and Twilio closed the stream" : close.by === 'bridge' ? 'the bridge closed the stream' : `closed by the ${close.by}`;
    narrator.note(close.at, `end_call: once the goodbye had played, ${who}: code ${close.code}, reason ${this.seen.endReason ?? 'unknown'}`);
  }

  /** The caller's next line: speech on the line, then the model's transcript of it. Resolves at its end. */
  private async callerSays(talking?: Promise<void>): Promise<number> {
    const { call, session, narrator, clock } = this.parts;
    const turn = this.callerTurns++;
    const line = CALLER_LINES[turn]!;
    this.parts.onStep(`caller turn ${turn + 1} ("${line.text}")`);
    await (talking ?? call.say(line.ms));
    const endedAt = clock.now();
    const transcripts = () => session.sent.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed');
    await session.waitUntil(() => transcripts().length > turn, STEP_TIMEOUT_MS, `the transcript of caller turn ${turn + 1}`);
    const event = transcripts()[turn] as { transcript?: string };
    narrator.say(endedAt, 'CALLER', event.transcript ?? '');
    return endedAt;
  }

  /** The answer to a caller turn, with its latency from the phone's point of view. */
  private async agentAnswers(callerEndedAt: number): Promise<SpokenResponse> {
    const spoken = await this.agentSpeaks((firstAudioAt) => {
      const latency = firstAudioAt - callerEndedAt;
      this.seen.turnLatenciesMs.push(latency);
      return `  [${seconds(latency)} after the caller stopped]`;
    });
    return spoken;
  }

  /** The next model response: narrated when the caller starts hearing it. */
  private async agentSpeaks(suffix?: (firstAudioAt: number) => string): Promise<SpokenResponse> {
    const { call, session, model, narrator } = this.parts;
    const index = this.nextResponse++;
    this.parts.onStep(`waiting for agent response ${index + 1}`);
    await session.waitUntil(() => model.responseStartedAt.has(index), STEP_TIMEOUT_MS, `model response ${index + 1}`);
    const startedAt = model.responseStartedAt.get(index)!;
    const mediaIndex = await call.waitFor(() => indexOfFirst(call.received, startedAt), STEP_TIMEOUT_MS, `the agent's audio of response ${index + 1}`);
    const arrivedAt = call.received[mediaIndex - 1]!.at;
    const record = session.responses[index]!;
    await session.waitUntil(() => record.status !== 'in_progress', STEP_TIMEOUT_MS, `model response ${index + 1} to finish`);
    const text = record.items
      .filter((item) => item.kind === 'audio')
      .map((item) => item.transcript)
      .join(' ');
    const playoutAt = playoutStart(call.received, call.clears, mediaIndex - 1);
    narrator.say(playoutAt, 'AGENT', `${text}${suffix?.(arrivedAt) ?? ''}`);
    return { record, arrivedAt, playoutAt, text };
  }

  /**
   * The caller talks over the answer with their order: the bridge must clear Twilio's buffer and truncate what was
   * not heard; then the order turn is answered like any other.
   */
  private async bargeInWithOrder(answer: SpokenResponse): Promise<void> {
    const { call, session, narrator, clock } = this.parts;
    this.parts.onStep('barge-in: letting the caller hear part of the answer');
    await call.waitFor(() => clock.now() >= answer.playoutAt + BARGE_IN_AFTER_MS, STEP_TIMEOUT_MS, `${BARGE_IN_AFTER_MS} ms of the answer played`);
    const talking = call.say(CALLER_LINES[this.callerTurns]!.ms);
    const startedTalkingAt = clock.now();
    this.parts.onStep('barge-in: waiting for the clear and the truncate');
    const clearAt = await call.waitForClear(STEP_TIMEOUT_MS);
    await session.waitUntil(() => session.truncations.length > 0, STEP_TIMEOUT_MS, 'a conversation.item.truncate');
    const truncation = session.truncations[0]!;
    this.seen.bargeIn = { startedTalkingAt, clearAt, truncation };
    narrator.note(startedTalkingAt, `barge-in: the caller talks over the agent; ${Math.round(clearAt - startedTalkingAt)} ms later Twilio's buffer is cleared`);
    narrator.detail(`agent cut at ${truncation.audioEndMs} ms of ${Math.round(truncation.itemAudioMs)}, heard: "${heardPart(answer.text, truncation)}…"`);
    await this.agentAnswers(await this.callerSays(talking));
  }

  private async toolResult(callId: string): Promise<void> {
    const { session, narrator, clock } = this.parts;
    const name = TOOL_NAMES[callId] ?? callId;
    this.parts.onStep(`waiting for the ${name} result`);
    await session.waitUntil(() => session.functionOutputs.some((o) => o.callId === callId), STEP_TIMEOUT_MS, `the ${name} output`);
    const output = session.functionOutputs.find((o) => o.callId === callId)!;
    narrator.say(clock.now(), 'TOOL', describeToolResult(name, output.output));
  }

  private async orderAtMainApp(): Promise<void> {
    const { mainApp, narrator, clock } = this.parts;
    this.parts.onStep('waiting for the order at the main app');
    const [order] = await mainApp.waitForOrders(1, STEP_TIMEOUT_MS);
    this.seen.order = order!;
    const { headline, details } = describeOrder(order!);
    narrator.say(clock.now(), 'APP', headline);
    for (const line of details) narrator.detail(line);
  }
}

interface SpokenResponse {
  record: ResponseRecord;
  /** When its first audio reached the phone, and when the phone started playing it. */
  arrivedAt: number;
  playoutAt: number;
  text: string;
}

/** 1 + the index of the first media at or after `from` (0 when none yet, so it works as a wait predicate). */
function indexOfFirst(received: readonly ReceivedMedia[], from: number): number {
  return received.findIndex((m) => m.at >= from) + 1;
}

/** When the phone starts playing media #index: once everything queued before it has played (a clear empties it). */
function playoutStart(received: readonly ReceivedMedia[], clears: readonly number[], index: number): number {
  let playEnd = -Infinity;
  let clear = 0;
  for (let i = 0; i < index; i++) {
    const media = received[i]!;
    playEnd = Math.max(media.at, playEnd) + media.bytes / BYTES_PER_MS;
    const next = received[i + 1]!;
    while (clear < clears.length && clears[clear]! <= next.at) playEnd = Math.min(playEnd, clears[clear++]!);
  }
  return Math.max(received[index]!.at, playEnd);
}

/** The words the caller heard before the cut (transcript words are spread evenly over the audio). */
function heardPart(text: string, truncation: TruncationRecord): string {
  const words = text.split(/\s+/).filter(Boolean);
  const share = truncation.itemAudioMs > 0 ? truncation.audioEndMs / truncation.itemAudioMs : 0;
  return words.slice(0, Math.max(1, Math.round(words.length * share))).join(' ');
}
