import type { Clock } from '../clock.js';
import { waitAtMost } from '../lib/timing.js';
import type { Logger } from '../logger.js';
import { mulawSilence, silenceGapBytes } from '../twilio/caller-gap.js';
import { base64Size } from '../twilio/json-bytes.js';
import type { CallObserver, TwilioPort } from './call-types.js';
import { Floor } from './floor.js';
import type { Base64Audio, ModelPort, ModelPortEvent, ResponseProblem, ResponsePurpose } from './model-port.js';
import type { ResponseRequest } from './response-queue.js';
import type { FinishedTool, RoundEnd, ToolRound } from './tool-round.js';
import { Transcript } from './transcript.js';

/** What a model event means for the call (undefined: nothing it must act on). */
export type Turn =
  | undefined
  /** Something ended: it may be the caller's turn now. */
  | { kind: 'caller-turn' }
  /** A response ended and so did its tool round. */
  | { kind: 'round'; round: RoundEnd }
  /** A tool started; its answer may end its round. */
  | { kind: 'tool'; done: Promise<RoundEnd | undefined> }
  /** A response failed, or stopped early with nothing said. */
  | { kind: 'failed'; problem: ResponseProblem | undefined; purpose: ResponsePurpose | undefined };

const CALLER_TURN: Turn = { kind: 'caller-turn' };

export interface ConversationOptions {
  twilio: Pick<TwilioPort, 'send'>;
  streamSid: string;
  clock: Clock;
  log: Logger;
  observer: CallObserver | undefined;
  /** Frames kept while no model session is in use (before it is ready, while it reconnects). */
  maxBufferedFrames?: number;
}

/**
 * The conversation on the model session in use: caller audio in (buffered while there is no session), the floor
 * (agent audio out, our response requests), tool rounds and the transcript. It holds no call-level state: what the
 * call must decide comes back as a `Turn`.
 */
export class Conversation {
  readonly transcript = new Transcript();
  private readonly floor: Floor;
  private readonly buffered: string[] = [];
  private readonly maxBufferedFrames: number;
  private port: ModelPort | undefined;
  private tools: ToolRound | undefined;
  private readonly startedAt: number;
  private lastStamp: number | undefined;
  private lastFrameBytes = 0;
  /** Staff notes given so far: every session of the call keeps them. */
  private readonly staffNotes: string[] = [];
  droppedFrames = 0;

  constructor(private readonly opts: ConversationOptions) {
    this.floor = new Floor(opts.twilio, opts.streamSid, opts.clock, opts.observer);
    this.maxBufferedFrames = opts.maxBufferedFrames ?? 500;
    this.startedAt = opts.clock.now();
  }

  get session(): ModelPort | undefined {
    return this.port;
  }

  get playing(): boolean {
    return this.floor.playing;
  }

  /** Whether any of the agent's audio reached the caller yet (the greeting, normally). */
  get hasSpoken(): boolean {
    return this.floor.hasSpoken;
  }

  /** Nobody talks and nothing runs. */
  get idle(): boolean {
    return !this.floor.playing && !this.floor.responding && !this.tools?.running;
  }

  /** True while a response is requested or running, or the caller spoke last: someone waits for the agent. */
  get agentOwesAnswer(): boolean {
    return this.floor.responding || this.transcript.lastRole() === 'caller';
  }

  useTools(tools: ToolRound): void {
    this.tools = tools;
  }

  /** Talks on `port` from now on (only its events are taken), flushing caller audio buffered meanwhile. */
  use(port: ModelPort, listener: (event: ModelPortEvent) => void): void {
    this.port = port;
    port.attach((event) => {
      if (this.port === port) listener(event);
    });
    for (const payload of this.buffered.splice(0)) port.appendAudio(payload);
  }

  /**
   * Tells a session what it must know before it speaks: the facts of this call, then (for a replacement) the
   * conversation so far as the caller's and the agent's messages, and the cart. Never as instructions: the caller's
   * words stay the caller's.
   */
  brief(contextNote: string, cartNote?: string): void {
    const port = this.port;
    if (!port) return;
    port.addMessage('system', contextNote);
    for (const line of this.transcript.messages()) port.addMessage(line.role, line.text);
    if (cartNote) port.addMessage('system', cartNote);
    for (const note of this.staffNotes) port.addMessage('system', staffNoteText(note));
  }

  /** A note from the restaurant's staff, for the rest of the call: said to the model as such, never as the caller's words. */
  staffNote(text: string): void {
    this.staffNotes.push(text);
    this.port?.addMessage('system', staffNoteText(text));
    this.opts.observer?.staffNote?.(text);
  }

  /** The session is gone or being replaced: forget what was in flight on it; returns it (not closed). */
  drop(): ModelPort | undefined {
    const port = this.port;
    this.port = undefined;
    this.floor.modelReplaced();
    this.tools?.forgetRounds();
    return port;
  }

  /**
   * Hot path: a caller frame (base64 μ-law, as a string or as bytes that are valid only during this call) stamped
   * `timestampMs`. When Twilio's stamps jump (a stalled edge), the gap is filled with μ-law silence first (bounded),
   * so the model's turn detection sees the time pass.
   */
  callerAudio(payload: Base64Audio, timestampMs?: number): void {
    if (timestampMs !== undefined) {
      const gap = silenceGapBytes(this.lastStamp, timestampMs, this.lastFrameBytes);
      this.lastStamp = timestampMs;
      this.lastFrameBytes = base64Size(payload);
      if (gap > 0) this.callerAudio(typeof payload === 'string' ? mulawSilence(gap).base64 : mulawSilence(gap).base64Bytes);
    }
    if (this.port) return this.port.appendAudio(payload);
    if (this.buffered.length >= this.maxBufferedFrames) {
      this.buffered.shift();
      this.droppedFrames++;
    }
    // Kept as a string: the bytes are a view into a frame that is not ours to keep.
    this.buffered.push(typeof payload === 'string' ? payload : payload.toString('latin1'));
  }

  /** Every model event but `error` and `closed`, which are the call's. */
  handle(event: Exclude<ModelPortEvent, { type: 'error' | 'closed' }>): Turn {
    switch (event.type) {
      case 'audio':
        this.floor.audio(event.responseId, event.itemId, event.contentIndex, event.audio);
        return undefined;
      case 'audio-done':
        this.floor.audioDone(event.responseId, event.itemId, event.contentIndex);
        return undefined;
      case 'speech-started':
        this.bargeIn();
        return undefined;
      case 'speech-stopped':
        this.floor.callerStopped(event.lagMs);
        return undefined;
      case 'response-started':
        this.floor.responseStarted(event.responseId, event.purpose);
        return undefined;
      case 'response-done':
        return this.responseDone(event);
      case 'request-refused':
        this.send(this.floor.requestRefused(event.purpose));
        return undefined;
      case 'tool-call':
        return this.runTool(event);
      case 'transcript': {
        const line = this.transcript.add({ role: event.role, text: event.text, itemId: event.itemId, order: event.order, atMs: Math.max(0, Math.round(event.at - this.startedAt)) });
        this.opts.log.info({ [event.role]: event.text }, `${event.role} said`);
        if (line) this.opts.observer?.transcript?.({ role: line.role, text: line.text, atMs: line.atMs });
        return undefined;
      }
      case 'transcription-usage':
        this.opts.observer?.transcriptionUsage?.(event.usage);
        return undefined;
    }
  }

  /** A Twilio mark echoed: the caller heard up to it. */
  markEchoed(name: string): Turn {
    return this.floor.markEchoed(name) ? CALLER_TURN : undefined;
  }

  /** The caller spoke over the agent: clear Twilio, cancel only when the model will not, then truncate each item at what was heard. */
  bargeIn(): void {
    const interruption = this.floor.interrupt();
    if (!interruption) return;
    const { activeResponseId, truncations } = interruption;
    this.transcript.markInterrupted(truncations.map((t) => t.itemId));
    const port = this.port;
    if (port) {
      if (activeResponseId && !port.cancelsOnBargeIn) port.cancelResponse(activeResponseId);
      for (const t of truncations) port.truncate(t.itemId, t.contentIndex, t.audioEndMs);
    }
    this.opts.observer?.bargeIn?.();
    this.opts.log.info({ truncations }, 'barge-in');
  }

  request(req: ResponseRequest): void {
    this.send(this.floor.request(req));
  }

  /** The caller typed or pressed something: the model gets it as the caller's words and answers. */
  userText(text: string): void {
    if (!this.port) return;
    this.port.addMessage('user', text);
    this.request({ purpose: 'keypad' });
  }

  /** Asks the model to say something and waits (at most `ms`) until the caller heard it. */
  async say(purpose: ResponsePurpose, prompt: string, ms: number): Promise<void> {
    if (!this.port?.isOpen) return;
    const heard = this.floor.whenHeard(purpose);
    this.request({ purpose, prompt });
    await waitAtMost(this.opts.clock, heard, ms);
  }

  /** Waits (at most `ms`) until everything sent to the caller has played. */
  playedOut(ms: number): Promise<void> {
    return waitAtMost(this.opts.clock, this.floor.whenPlayedOut(), ms);
  }

  /** Waits (at most `ms`) until no tool runs: a confirmed order being submitted must finish (or reach the outbox). */
  toolsSettled(ms: number): Promise<void> {
    return waitAtMost(this.opts.clock, this.tools?.whenIdle() ?? Promise.resolve(), ms);
  }

  /** Plays audio of the bridge's own (the hold cue) unless the agent is speaking. */
  cue(base64Audio: string): void {
    if (!this.floor.playing) this.floor.cue(base64Audio);
  }

  /**
   * The call ended: tools stop; if the caller said anything, the model writes a summary out of band (never spoken,
   * bounded by `timeoutMs`); then the session closes.
   */
  async finish(summaryPrompt: string, timeoutMs: number): Promise<string | undefined> {
    this.tools?.abortAll();
    const port = this.drop();
    if (!port) return undefined;
    try {
      const anythingSaid = this.transcript.all().some((line) => line.role === 'caller');
      return anythingSaid && port.isOpen ? await port.summarize?.(summaryPrompt, timeoutMs) : undefined;
    } finally {
      port.close();
    }
  }

  /** Whether the caller heard all of the response for `purpose` (a failed one is waited past; a cut one is not). */
  heardInFull(purpose: ResponsePurpose): Promise<boolean> {
    return this.floor.heardInFull(purpose);
  }

  summary(): ReturnType<Floor['summary']> {
    return this.floor.summary();
  }

  private responseDone(event: Extract<ModelPortEvent, { type: 'response-done' }>): Turn {
    this.opts.observer?.usage?.(event.usage);
    const { next, spoke, purpose } = this.floor.responseDone(event.responseId, event.status);
    this.send(next);
    const round = this.tools?.responseDone(event.responseId, spoke);
    if (event.status === 'failed' || (event.status === 'incomplete' && !spoke)) {
      this.opts.log.warn({ responseId: event.responseId, status: event.status, problem: event.problem, purpose }, 'model response failed');
      return { kind: 'failed', problem: event.problem, purpose };
    }
    return round ? { kind: 'round', round } : CALLER_TURN;
  }

  /** Runs a complete tool call; its answer goes to the session that asked (none, if that one is gone). */
  private runTool(call: Extract<ModelPortEvent, { type: 'tool-call' }>): Turn {
    const { port, tools } = this;
    if (!tools) return undefined;
    return { kind: 'tool', done: tools.run(call.responseId, call.callId, call.name, call.arguments).then((done) => this.toolAnswered(done, port)) };
  }

  private send(req: ResponseRequest | undefined): void {
    if (req) this.port?.requestResponse(req.purpose, req.prompt);
  }

  private toolAnswered(done: FinishedTool, port: ModelPort | undefined): RoundEnd | undefined {
    this.opts.observer?.toolFinished?.(done.name, done.result, done.ms);
    if (!port || port !== this.port) return undefined;
    port.sendToolResult(done.callId, done.output);
    return done.roundEnd;
  }
}

function staffNoteText(text: string): string {
  return `# Note from the restaurant's staff (not the caller; keep it in mind for the rest of the call, do not read it out)\n${text}`;
}
