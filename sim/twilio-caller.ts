import WebSocket from 'ws';
import { systemClock, type Clock } from '../src/clock.js';
import { BYTES_PER_MS, FRAME_MS } from './audio.js';
import { CallerEar, type EchoedMark, type ReceivedMedia, type TimedName } from './twilio-caller-ear.js';
import { openTwilioSocket } from './twilio-caller-connect.js';
import type { CloseInfo, TwilioCallOptions } from './twilio-caller-options.js';
import { CallerScript } from './twilio-caller-script.js';
import { StreamSender } from './twilio-caller-sender.js';
import * as inbound from './twilio-inbound.js';
import { MULAW_8K_MONO, type StreamIdentity } from './twilio-inbound.js';
import type { Violation } from './twilio-outbound-check.js';
import { tickerFor, type FrameTicker } from './twilio-ticker.js';
import { Waiters } from './twilio-waiters.js';

export { TwilioHandshakeError } from './twilio-caller-connect.js';

/**
 * A simulated phone call: Twilio Media Streams acting as a WebSocket client of the bridge (Twilio's "Media Streams - WebSocket Messages" page).
 * Sends `connected`, `start`, then a 20 ms μ-law frame for the whole call; plays what the bridge sends at real-time
 * pace, echoing marks; checks every bridge message like Twilio does and records everything for assertions.
 * All calls on one clock share a single 20 ms ticker, so hundreds of calls can run in one process.
 */

const DTMF_DIGIT = /^[0-9*#]$/;

export type { CloseInfo, EchoedMark, ReceivedMedia, TimedName, TwilioCallOptions, Violation };

export class SimCall {
  readonly identity: StreamIdentity;
  readonly digitsSent: TimedName[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | undefined;

  private readonly clock: Clock;
  private readonly ticker: FrameTicker;
  private readonly script: CallerScript;
  private readonly ear: CallerEar;
  private readonly waiters = new Waiters();
  private readonly sender: StreamSender;
  private resolveClosed!: (info: CloseInfo) => void;
  private unsubscribe: (() => void) | undefined;
  private closingBy: CloseInfo['by'] | undefined;
  private started = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: TwilioCallOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.ticker = tickerFor(this.clock);
    this.identity = {
      accountSid: options.accountSid ?? inbound.fakeSid('AC'),
      callSid: options.callSid ?? inbound.fakeSid('CA'),
      streamSid: options.streamSid ?? inbound.fakeSid('MZ'),
    };
    this.script = new CallerScript(options.frameSource);
    this.sender = new StreamSender(ws, this.identity, this.script, options.jitterMs ?? 0, () => this.waiters.check());
    this.ear = new CallerEar({
      clock: this.clock,
      streamSid: this.identity.streamSid,
      tickIntervalMs: this.ticker.intervalMs,
      sendMarkEcho: (name) => this.sender.markEcho(name),
      onChange: () => this.waiters.check(),
      recordMedia: options.recordMedia,
      keepAudio: options.keepAudio,
      exactMarkTiming: options.exactMarkTiming,
      onOutboundMedia: options.onOutboundMedia,
    });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    ws.on('message', (data: Buffer, isBinary: boolean) => this.ear.onMessage(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString()));
    ws.on('error', () => undefined); // a dropped socket shows up as close code 1006
  }

  get callSid(): string {
    return this.identity.callSid;
  }

  get streamSid(): string {
    return this.identity.streamSid;
  }

  get isOpen(): boolean {
    return this.closingBy === undefined;
  }

  get mediaFramesSent(): number {
    return this.sender.mediaFramesSent;
  }

  /** Stream time of the next frame (its `media.timestamp`): it keeps running through a `gap`. */
  get streamTimeMs(): number {
    return this.sender.nextTimestamp;
  }

  /** Media the bridge sent: time, size and running total of each message. */
  get received(): readonly ReceivedMedia[] {
    return this.ear.received;
  }

  /** Marks the bridge sent, in arrival order. */
  get marksReceived(): readonly TimedName[] {
    return this.ear.marksReceived;
  }

  /** Mark echoes sent back, each `played` or `cleared`. */
  get markEchoes(): readonly EchoedMark[] {
    return this.ear.markEchoes;
  }

  /** Arrival times of `clear` messages. */
  get clears(): readonly number[] {
    return this.ear.clears;
  }

  /** Bridge messages Twilio would have flagged (31924 / 31950 / 31951). */
  get violations(): readonly Violation[] {
    return this.ear.violations;
  }

  get receivedBytes(): number {
    return this.ear.receivedBytes;
  }

  get receivedMs(): number {
    return this.ear.receivedBytes / BYTES_PER_MS;
  }

  /** Total ms of bot audio the caller has heard (played out, not merely received). */
  get playedMs(): number {
    return this.ear.playedMs;
  }

  /** Ms heard of each stretch of bot audio between clears; the last entry is the current stretch. */
  get segmentsPlayedMs(): number[] {
    return this.ear.segmentsPlayedMs;
  }

  get bufferedMs(): number {
    return this.ear.bufferedMs;
  }

  /** The received μ-law audio (needs `keepAudio`). */
  receivedAudio(): Buffer {
    return this.ear.receivedAudio();
  }

  sendConnected(): void {
    this.sender.connected();
  }

  /** Sends `start` and begins the 20 ms media stream, first frame at once. */
  sendStart(): void {
    if (this.started || !this.isOpen) return;
    this.started = true;
    if (this.options.speakFirstMs) void this.script.say(this.options.speakFirstMs);
    const details = {
      tracks: this.options.tracks ?? ['inbound'],
      customParameters: this.options.customParameters ?? {},
      mediaFormat: this.options.mediaFormat ?? MULAW_8K_MONO,
    };
    this.sender.start(details, this.clock.now());
    this.unsubscribe = this.ticker.subscribe((now) => this.onTick(now));
  }

  say(ms: number): Promise<void> {
    return this.script.say(ms);
  }

  silence(ms: number): Promise<void> {
    return this.script.silence(ms);
  }

  play(audio: Buffer): Promise<void> {
    return this.script.play(audio);
  }

  /** Skips frames for `ms` (timestamps jump over the gap). */
  gap(ms: number): Promise<void> {
    return this.script.gap(ms);
  }

  /**
   * The caller's side goes dead without a word (a half-open connection): no more frames, mark echoes or pongs, no
   * `stop` and no close. The socket stays open; nothing more is played or recorded (a dead line hears nothing), but
   * the bridge's close handshake is still answered by the socket. `hangUp()` still closes it.
   */
  goSilent(): void {
    this.sender.silent = true;
    this.stopStream();
  }

  /** Pings the bridge sent, and the pongs answered (none once silent). */
  get pings(): { received: number; answered: number } {
    return { received: this.sender.pingsReceived, answered: this.sender.pongsSent };
  }

  pressDigit(digit: string): void {
    if (!DTMF_DIGIT.test(digit)) throw new Error(`pressDigit: expected one of 0-9 * #, got ${JSON.stringify(digit)}`);
    if (!this.started || !this.isOpen) return;
    this.sender.dtmf(digit);
    this.digitsSent.push({ name: digit, at: this.clock.now() });
  }

  /** Sends anything as-is, for malformed-input tests (a Buffer goes as a binary frame, or as a text frame `asText`). */
  sendRaw(data: string | Buffer, asText = false): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: Buffer.isBuffer(data) && !asText });
  }

  /**
   * One extra `media` message in Twilio's shape and numbering (next sequenceNumber and chunk, the current timestamp),
   * whose `payload` text is put into the JSON verbatim: `sendRawMedia('AAAA\\u0000AAA')` sends a JSON-escaped NUL.
   */
  sendRawMedia(payloadJson: string): void {
    if (this.started && this.isOpen) this.sender.rawMedia(payloadJson, this.sender.nextTimestamp);
  }

  /** The caller hangs up: `stop`, then the socket closes. */
  hangUp(): Promise<CloseInfo> {
    this.endStream('caller');
    return this.closed;
  }

  /** Twilio ends the stream (REST hang-up or new TwiML): `stop`, then the socket closes. */
  endByTwilio(): Promise<CloseInfo> {
    this.endStream('twilio');
    return this.closed;
  }

  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000, label = 'condition'): Promise<T> {
    return this.waiters.waitFor(predicate, timeoutMs, label);
  }

  /** Waits until at least `minMs` more bot audio has arrived than when called; resolves with the total ms received. */
  waitForAudio(minMs = FRAME_MS, timeoutMs = 5000): Promise<number> {
    const target = this.receivedBytes + minMs * BYTES_PER_MS;
    return this.waitFor(() => this.receivedBytes >= target && this.receivedMs, timeoutMs, `${minMs} ms of bot audio`);
  }

  /** Waits for the next `clear` (one arriving after this call); resolves with its arrival time. */
  async waitForClear(timeoutMs = 5000): Promise<number> {
    const seen = this.clears.length;
    await this.waitFor(() => this.clears.length > seen, timeoutMs, 'a clear');
    return this.clears[seen]!;
  }

  waitForMarkEcho(name: string, timeoutMs = 5000): Promise<EchoedMark> {
    return this.waitFor(() => this.markEchoes.find((m) => m.name === name), timeoutMs, `echo of mark ${name}`);
  }

  /** Waits until the bot is not talking: nothing left to play and no media for `quietMs` (true at once before any audio). */
  waitForBotSilence(quietMs = 300, timeoutMs = 10_000): Promise<true> {
    return this.waitFor(
      () => this.bufferedMs < 0.001 && this.clock.now() - this.ear.lastMediaAt >= quietMs,
      timeoutMs,
      `${quietMs} ms of bot silence`,
    );
  }

  waitForClose(timeoutMs = 5000): Promise<CloseInfo> {
    return this.waitFor(() => this.closeInfo, timeoutMs, 'the socket to close');
  }

  private onTick(now: number): void {
    if (!this.isOpen) return;
    this.sender.sendDueFrames(now);
    this.ear.sync(now);
    this.waiters.check();
  }

  private endStream(by: 'caller' | 'twilio'): void {
    if (!this.isOpen) return;
    this.ear.sync();
    if (this.started) this.sender.stop();
    this.closingBy = by;
    this.stopStream();
    this.ws.close(1000, by === 'caller' ? 'caller hung up' : 'call updated');
  }

  private stopStream(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.ear.stop();
    this.script.cancelAll();
  }

  private onClose(code: number, reason: string): void {
    const by = this.closingBy ?? 'bridge';
    this.closingBy = by;
    this.stopStream();
    this.closeInfo = { code, reason, by, at: this.clock.now() };
    if (by === 'bridge') this.closeInfo.twilioCode = code === 1006 ? 31903 : 31921;
    this.resolveClosed(this.closeInfo);
    this.waiters.finish(`the call closed (by ${by}, code ${code})`);
  }
}

/** Opens a simulated call: upgrade, `connected`, `start` (unless `sendStart: false`), then media every 20 ms. */
export async function startTwilioCall(options: TwilioCallOptions): Promise<SimCall> {
  const call = new SimCall(await openTwilioSocket(options), options);
  call.sendConnected();
  if (options.sendStart !== false) call.sendStart();
  return call;
}
