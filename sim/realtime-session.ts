/**
 * One connected client of the stand-in: socket I/O, what was received and sent (for tests), injectable faults.
 * Protocol behaviour lives in `SessionProtocol`.
 */
import type { WebSocket } from 'ws';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { appendedAudio, clientEventId, parseClientEvent } from './realtime-client-events.js';
import { simErrors, type SimError } from './realtime-errors.js';
import { EventLog } from './realtime-event-log.js';
import { IdSource } from './realtime-ids.js';
import type { ResolvedOptions } from './realtime-options.js';
import { SessionProtocol, type SessionEvent } from './realtime-protocol.js';
import type {
  CloseInfo,
  EffectiveSession,
  FunctionOutputRecord,
  HandshakeInfo,
  ReceivedEvent,
  ResponseRecord,
  SentEvent,
  TruncationRecord,
} from './realtime-types.js';

export { MAX_APPEND_CHARS } from './realtime-client-events.js';

export class SimSession {
  readonly headers: HandshakeInfo['headers'];
  readonly model: string;
  readonly url: string;
  /** Client events other than `input_audio_buffer.append` (appends are only counted). */
  readonly receivedLog: EventLog<ReceivedEvent>;
  readonly sentLog: EventLog<SentEvent>;
  readonly closed: Promise<CloseInfo>;
  /** WebSocket pings from the client, and how many were answered (none once silent). */
  readonly pings = { received: 0, answered: 0 };
  /** Sees every appended audio chunk, decoded, before the session's VAD does (probes such as the benchmark's). */
  onInputAudio: ((audio: Buffer) => void) | undefined;
  private readonly changes = new EventLog<null>('session state', false);
  private readonly protocol: SessionProtocol;
  private readonly ids: IdSource;
  private readonly timers = new Set<() => void>();
  private open = true;
  private silent = false;
  private silentOn: string | undefined;
  private resolveClosed!: (info: CloseInfo) => void;

  constructor(
    private readonly ws: WebSocket,
    handshake: HandshakeInfo,
    readonly index: number,
    private readonly options: ResolvedOptions,
  ) {
    this.headers = handshake.headers;
    this.model = handshake.model;
    this.url = handshake.url;
    this.ids = new IdSource(`s${index.toString(36)}x`);
    this.receivedLog = new EventLog(`session ${index} received`);
    this.sentLog = new EventLog(`session ${index} sent`, options.recordSentEvents);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.protocol = new SessionProtocol(
      {
        options,
        ids: this.ids,
        sessionIndex: index,
        emit: (event) => this.send(event),
        error: (error, clientEventId) => this.sendError(error, clientEventId),
        betaShape: () => this.rejectBetaShape(),
        schedule: (fn, delayMs) => this.schedule(fn, delayMs),
      },
      handshake.model,
    );
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('ping', (data) => {
      this.pings.received++;
      if (!this.silent && ws.readyState === ws.OPEN) {
        ws.pong(data);
        this.pings.answered++;
      }
      this.changes.push(null);
    });
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('error', (err) => options.logger?.debug({ err, session: index }, 'realtime sim socket error'));
  }

  /** Sends `session.created` and arms the expiry; called once the socket is up. */
  start(): void {
    this.protocol.sendCreated();
    if (this.options.maxSessionMs !== undefined) this.schedule(() => this.expire(), this.options.maxSessionMs);
  }

  get isOpen(): boolean {
    return this.open;
  }

  get received(): readonly ReceivedEvent[] {
    return this.receivedLog.events;
  }

  get sent(): readonly SentEvent[] {
    return this.sentLog.events;
  }

  get appendedBytes(): number {
    return this.protocol.input.appendedBytes;
  }

  get appendCount(): number {
    return this.protocol.input.appends;
  }

  /** The session's audio clock: ms of input audio appended so far. */
  get appendedMs(): number {
    return this.protocol.input.appendedMs;
  }

  get config(): Readonly<EffectiveSession> {
    return this.protocol.effective;
  }

  get responses(): readonly ResponseRecord[] {
    return this.protocol.records;
  }

  /**
   * The next `count` in-conversation `response.create`s collide with a response server VAD starts a moment earlier:
   * the VAD response is created first, then the client's create is refused with its `event_id`.
   */
  collideNextResponseCreate(count = 1): void {
    this.protocol.responses.collideNext(count);
  }

  get truncations(): readonly TruncationRecord[] {
    return this.protocol.truncations;
  }

  get functionOutputs(): readonly FunctionOutputRecord[] {
    return this.protocol.functionOutputs;
  }

  get activeResponseId(): string | undefined {
    return this.protocol.activeResponseId;
  }

  waitForReceived<T extends string>(type: T, timeoutMs?: number): Promise<ReceivedEvent & { type: T }>;
  waitForReceived(match: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  waitForReceived(match: string | ((event: ReceivedEvent) => boolean), timeoutMs = 2000): Promise<ReceivedEvent> {
    return typeof match === 'string'
      ? this.receivedLog.waitFor((e) => e.type === match, timeoutMs, `client event ${match}`)
      : this.receivedLog.waitFor(match, timeoutMs);
  }

  /** Needs `recordSentEvents` for events sent before the call. */
  waitForSent<T extends RealtimeServerEvent['type']>(type: T, timeoutMs?: number): Promise<Extract<RealtimeServerEvent, { type: T }>>;
  waitForSent(match: (event: SentEvent) => boolean, timeoutMs?: number): Promise<SentEvent>;
  waitForSent(match: string | ((event: SentEvent) => boolean), timeoutMs = 2000): Promise<SentEvent> {
    return typeof match === 'string'
      ? this.sentLog.waitFor((e) => e.type === match, timeoutMs, `server event ${match}`)
      : this.sentLog.waitFor(match, timeoutMs);
  }

  /** Resolves once `condition()` holds, re-checked after every client message (appends included). */
  async waitUntil(condition: () => boolean, timeoutMs = 2000, what = 'a condition'): Promise<void> {
    if (condition()) return;
    await this.changes.waitFor(() => condition(), timeoutMs, what);
  }

  /**
   * The server goes quiet without closing: nothing more is sent (no events, no errors, no pongs to pings), client
   * events are still recorded but never acted on, and the socket stays open. How a stuck upstream looks to a watchdog.
   */
  goSilent(): void {
    this.silent = true;
    this.protocol.abandon();
  }

  /** Goes silent when the next client event of `type` arrives, before acting on it (e.g. no `response.created`). */
  goSilentOnNext(type: string): void {
    this.silentOn = type;
  }

  get isSilent(): boolean {
    return this.silent;
  }

  /** Injects a raw server event (object or pre-serialised text). */
  send(event: SentEvent | SessionEvent | string): void {
    if (!this.open || this.silent || this.ws.readyState !== this.ws.OPEN) return;
    if (typeof event === 'string') {
      this.ws.send(event);
      return;
    }
    this.ws.send(JSON.stringify(event));
    this.sentLog.push(event);
  }

  sendError(error: SimError, clientEventId?: string): void {
    this.send({ type: 'error', event_id: this.ids.event(), error: { ...error, event_id: clientEventId ?? null } });
  }

  /** `session_expired`, then close 1001. */
  expire(): void {
    this.sendError(simErrors.sessionExpired());
    this.close(1001, 'session expired');
  }

  /** Sends a fatal or server error (`invalid_api_key`, `insufficient_quota`, `server_error`…); closes if `closeCode` is given. */
  fail(code: string, opts: { message?: string; closeCode?: number } = {}): void {
    this.sendError(simErrors.fatal(code, opts.message));
    if (opts.closeCode !== undefined) this.close(opts.closeCode, code);
  }

  /** Abrupt end: the TCP connection is destroyed, no close frame (the client sees 1006). */
  drop(): void {
    this.protocol.abandon();
    this.ws.terminate();
  }

  close(code = 1000, reason = ''): void {
    this.protocol.abandon();
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
  }

  /** Cancels the active response as the server would at `speech_started` (`reason:"turn_detected"`). */
  interruptActiveResponse(): boolean {
    return this.protocol.cancelActive('turn_detected');
  }

  private schedule(fn: () => void, delayMs: number): () => void {
    if (!this.open) return () => {};
    let cancel: () => void;
    const run = () => {
      this.timers.delete(cancel);
      if (this.open) fn();
    };
    if (delayMs <= 0) {
      const immediate = setImmediate(run);
      cancel = () => clearImmediate(immediate);
    } else {
      const handle = this.options.clock.setTimeout(run, delayMs);
      cancel = () => this.options.clock.clearTimeout(handle);
    }
    const tracked = () => {
      this.timers.delete(tracked);
      cancel();
    };
    this.timers.add(tracked);
    return tracked;
  }

  private onMessage(text: string, isBinary: boolean): void {
    const parsed = parseClientEvent(text, isBinary);
    const event = 'event' in parsed ? parsed.event : undefined;
    if ('error' in parsed) this.sendError(parsed.error, parsed.eventId);
    if (event && event.type === this.silentOn) this.goSilent();
    if (event?.type === 'input_audio_buffer.append') {
      if (!this.silent) this.onAppend(event);
    } else if (event) {
      this.receivedLog.push(event);
      if (!this.silent) this.protocol.handle(event);
    }
    this.changes.push(null);
  }

  private onAppend(event: ReceivedEvent): void {
    const audio = appendedAudio(event);
    if (audio === undefined) return;
    if (!Buffer.isBuffer(audio)) return this.sendError(audio, clientEventId(event));
    this.onInputAudio?.(audio);
    this.protocol.append(audio);
  }

  /** What a beta-shaped handshake or event gets: `beta_api_shape_disabled`, then close 4000. */
  rejectBetaShape(): void {
    this.sendError(simErrors.betaShapeDisabled());
    this.close(4000, 'beta api shape disabled');
  }

  private onClose(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.protocol.abandon();
    for (const cancel of [...this.timers]) cancel();
    const ended = new Error(`session ${this.index} closed (${code})`);
    this.receivedLog.close(ended);
    this.sentLog.close(ended);
    this.changes.close(ended);
    this.resolveClosed({ code, reason });
  }
}
