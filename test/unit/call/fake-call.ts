/**
 * A Call driven without sockets: a fake model port, a fake caller line and a ManualClock, all writing to one
 * journal so tests can assert the order of what went to Twilio and to the model.
 */
import { Call } from '../../../src/call/call.js';
import type { CallLine, CallObserver, CallSettings, CallSetup, EndReason, OrderingSession, OutboundFrame } from '../../../src/call/call-types.js';
import type { Base64Audio, MessageRole, ModelPort, ModelPortEvent, ModelPortListener, ResponsePurpose } from '../../../src/call/model-port.js';
import { ManualClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/logger.js';

export type Journal = string[];

export class FakeModelPort implements ModelPort {
  cancelsOnBargeIn = true;
  isOpen = true;
  appended: string[] = [];
  requests: Array<{ purpose: ResponsePurpose; prompt: string | undefined }> = [];
  messages: Array<{ role: MessageRole; text: string }> = [];
  toolResults: Array<{ callId: string; output: unknown }> = [];
  closedWith: string | undefined;
  private listener: ModelPortListener | undefined;

  constructor(
    private readonly journal: Journal,
    readonly name = 'model',
  ) {}

  attach(listener: ModelPortListener): void {
    this.listener = listener;
  }

  emit(event: ModelPortEvent): void {
    this.listener?.(event);
  }

  /** Kept as base64 strings, however the audio came (bytes are only valid during the call). */
  appendAudio(audio: Base64Audio): void {
    this.appended.push(typeof audio === 'string' ? audio : audio.toString('latin1'));
  }

  requestResponse(purpose: ResponsePurpose, prompt?: string): void {
    this.requests.push({ purpose, prompt });
    this.journal.push(`${this.name}:response.create ${purpose}`);
  }

  cancelResponse(responseId: string): void {
    this.journal.push(`${this.name}:cancel ${responseId}`);
  }

  truncate(itemId: string, contentIndex: number, audioEndMs: number): void {
    this.journal.push(`${this.name}:truncate ${itemId}/${contentIndex} at ${audioEndMs}`);
  }

  sendToolResult(callId: string, output: string): void {
    this.toolResults.push({ callId, output: JSON.parse(output) });
    this.journal.push(`${this.name}:tool-result ${callId}`);
  }

  addMessage(role: MessageRole, text: string): void {
    this.messages.push({ role, text });
    this.journal.push(`${this.name}:message ${role}`);
  }

  close(reason = 'call ended'): void {
    this.isOpen = false;
    this.closedWith = reason;
    this.journal.push(`${this.name}:close ${reason}`);
  }
}

/** The caller's side: Twilio frames as parsed JSON, and the REST actions the call took. */
export class FakeLine implements CallLine {
  frames: Array<{ event: string; media?: { payload: string }; mark?: { name: string } }> = [];
  hungUp: { reason: EndReason; apology: string | undefined } | undefined;
  closed: EndReason | undefined;
  transferredTo: string | undefined;
  transfer: ((number: string) => Promise<void>) | undefined = async (number) => {
    this.transferredTo = number;
    this.journal.push(`twilio:transfer ${number}`);
  };

  constructor(private readonly journal: Journal) {}

  send(frame: OutboundFrame): void {
    const parsed = JSON.parse(frame.toString()) as FakeLine['frames'][number];
    this.frames.push(parsed);
    this.journal.push(`twilio:${parsed.event}${parsed.mark ? ` ${parsed.mark.name}` : ''}`);
  }

  async hangUp(reason: EndReason, apology?: string): Promise<void> {
    this.hungUp = { reason, apology };
    this.journal.push(`twilio:hang-up ${reason}`);
  }

  close(reason: EndReason): void {
    this.closed = reason;
  }

  /** Names of the marks sent so far, in order. */
  marks(): string[] {
    return this.frames.filter((f) => f.event === 'mark').map((f) => f.mark!.name);
  }
}

/** Ordering tools that answer what a test scripts (by default `{ ok: true }` at once). */
export class FakeOrdering implements OrderingSession {
  calls: string[] = [];
  pending = new Map<string, (output: object) => void>();
  /** Tools that answer only when the test calls `answer(name, output)`. */
  slow = new Set<string>();

  async run(name: string): Promise<object> {
    this.calls.push(name);
    if (!this.slow.has(name)) return { ok: true, tool: name };
    return new Promise((resolve) => this.pending.set(name, resolve));
  }

  answer(name: string, output: object = { ok: true }): void {
    this.pending.get(name)?.(output);
    this.pending.delete(name);
  }

  cartSnapshot(): string {
    return 'Current order (not submitted yet): line 1: 1 × Margherita.';
  }

  cartView() {
    return { lines: [{ line: 1, name: 'Margherita', quantity: 1, description: '1 × Margherita', lineTotalCents: 1400 }], subtotalCents: 1400 };
  }

  submittedOrder(): undefined {
    return undefined;
  }

  unsentLines(): number {
    return 1;
  }
}

export interface FakeCallOptions {
  settings?: Partial<CallSettings>;
  transferNumber?: string;
  /** Resolve the setup at once (default) or let the test do it. */
  deferSetup?: boolean;
  /** Replacement sessions open only when the test calls `releaseReconnects()`. */
  holdReconnects?: boolean;
  observer?: CallObserver;
}

export const STREAM_SID = 'MZ00000000000000000000000000000001';

export function fakeCall(options: FakeCallOptions = {}) {
  const journal: Journal = [];
  const clock = new ManualClock();
  const port = new FakeModelPort(journal);
  const line = new FakeLine(journal);
  const ordering = new FakeOrdering();
  const replacements: FakeModelPort[] = [];
  const releases: Array<() => void> = [];
  let opens = 0;
  let resolveSetup!: (setup: CallSetup) => void;
  const setupPromise = new Promise<CallSetup>((resolve) => (resolveSetup = resolve));
  const setup: CallSetup = {
    port,
    profile: { contextNote: '# This call\nLocal time now: Tuesday 6:00 PM.', greetingPrompt: 'Greet the caller.', ordering, transferNumber: options.transferNumber },
    reconnect: async () => {
      opens++;
      if (options.holdReconnects) await new Promise<void>((resolve) => releases.push(resolve));
      const next = new FakeModelPort(journal, `model${replacements.length + 2}`);
      replacements.push(next);
      return next;
    },
  };
  const call = new Call({
    context: { callSid: 'CA0001', streamSid: STREAM_SID, accountSid: 'AC0001', orgId: 'org_test' },
    line,
    setup: setupPromise,
    clock,
    logger: createLogger('silent'),
    observer: options.observer,
    settings: options.settings,
  });
  if (!options.deferSetup) resolveSetup(setup);
  return {
    call,
    clock,
    port,
    line,
    ordering,
    journal,
    replacements,
    confirmSession: () => resolveSetup(setup),
    /** How many replacement sessions the call asked for. */
    opens: () => opens,
    /** Lets the held replacement opens finish (with `holdReconnects`). */
    releaseReconnects: () => releases.splice(0).forEach((release) => release()),
  };
}

/** Lets every pending promise continuation run (no time passes on the clock). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Model events, shortest form. */
export const model = {
  started: (responseId: string, purpose?: ResponsePurpose): ModelPortEvent => ({ type: 'response-started', responseId, purpose }),
  audio: (responseId: string, itemId: string, ms: number): ModelPortEvent => ({ type: 'audio', responseId, itemId, contentIndex: 0, audio: Buffer.alloc(ms * 8, 0xff).toString('base64') }),
  audioDone: (responseId: string, itemId: string): ModelPortEvent => ({ type: 'audio-done', responseId, itemId, contentIndex: 0 }),
  done: (responseId: string, status: 'completed' | 'cancelled' | 'failed' = 'completed'): ModelPortEvent => ({ type: 'response-done', responseId, status }),
  tool: (responseId: string, callId: string, name: string): ModelPortEvent => ({ type: 'tool-call', responseId, callId, name, arguments: '{}' }),
  speechStarted: (): ModelPortEvent => ({ type: 'speech-started' }),
  transcript: (role: 'caller' | 'agent', itemId: string, text: string, order: number): ModelPortEvent => ({ type: 'transcript', role, itemId, text, order, at: 0 }),
  closed: (fatal = false): ModelPortEvent => ({ type: 'closed', code: 1006, reason: '', fatal, expired: false }),
};

/** A call past a silent greeting: live, with no request or journal entry left over. */
export async function liveCall(options: FakeCallOptions = {}) {
  const f = fakeCall(options);
  await settle();
  f.port.emit(model.started('r0', 'greeting'));
  f.port.emit(model.done('r0'));
  f.port.requests.length = 0;
  f.journal.length = 0;
  return f;
}

/** The greeting spoken and heard in full: the caller's turn (no request left over). */
export async function greetedCall(options: FakeCallOptions = {}) {
  const f = fakeCall(options);
  await settle();
  f.port.emit(model.started('r0', 'greeting'));
  f.port.emit(model.audio('r0', 'item_0', 100));
  f.port.emit(model.audioDone('r0', 'item_0'));
  f.port.emit(model.done('r0'));
  for (const mark of f.line.marks()) echo(f.call, mark);
  f.port.requests.length = 0;
  return f;
}

/** The model calls `end_call` in response r1 without saying a word: the call then asks for a goodbye. */
export async function hangUpWithoutWords(f: ReturnType<typeof fakeCall>): Promise<void> {
  f.port.emit(model.started('r1'));
  f.port.emit(model.tool('r1', 'c1', 'end_call'));
  f.port.emit(model.done('r1'));
  await settle();
}

/** Twilio's echo of a mark the bridge sent. */
export function echo(call: Call, name: string): void {
  call.handleTwilioMessage({ event: 'mark', sequenceNumber: '1', streamSid: STREAM_SID, mark: { name } });
}
