import WebSocket from 'ws';
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { PeerWatch } from '../lib/peer-watch.js';
import { frameText } from '../twilio/json-bytes.js';
import { encode } from './client-events.js';
import { parseModelEvent } from './events.js';

/** Error codes after which reconnecting is pointless: the key, the account or the request itself is wrong. */
export const FATAL_MODEL_ERRORS = new Set([
  'invalid_api_key',
  'insufficient_quota',
  'account_deactivated',
  'billing_hard_limit_reached',
  'beta_api_shape_disabled',
  'model_not_found',
]);

export class ModelConnectError extends Error {
  override name = 'ModelConnectError';
  constructor(
    message: string,
    /** e.g. `http_401`, `timeout`, `closed_1006`, or the model's error code */
    readonly code: string,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

const TEXT_FRAME = { binary: false } as const;

/** Past this much unsent data the model socket is stuck: drop rather than grow memory without bound. */
export const MAX_MODEL_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface ModelLinkHandler {
  /** A text message as received: its UTF-8 bytes, not yet checked to be UTF-8 (see `frameText`). */
  onMessage(frame: Buffer): void;
  onClose(code: number, reason: string): void;
}

export interface ModelLinkOptions {
  url: string;
  model: string;
  apiKey: string;
  sessionUpdate: SessionUpdateEvent;
  clock: Clock;
  logger: Logger;
  /** Handshake + session.updated must complete within this. */
  timeoutMs?: number;
}

/** Why the bridge cut a session that stayed open but stopped answering. */
export type Unresponsive = 'no-pong' | 'no-response';

/** One configured OpenAI Realtime socket. Ready (session.updated seen, μ-law both ways) once `openModelLink` resolves. */
export class ModelLink {
  private handler: ModelLinkHandler | undefined;
  private readonly early: Buffer[] = [];
  private closeInfo: { code: number; reason: string } | undefined;
  private watch: PeerWatch | undefined;
  /** Set when the bridge cut the socket because the model stopped answering. */
  unresponsive: Unresponsive | undefined;
  /** Messages dropped because the socket was backed up. */
  dropped = 0;

  constructor(
    private readonly socket: WebSocket,
    /** From session.updated: with it on, the server cancels a response itself on barge-in. */
    readonly interruptResponse: boolean,
  ) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      if (this.handler) this.handler.onMessage(data);
      else if (this.early.length < 256) this.early.push(data);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.watch?.stop();
      this.closeInfo = { code, reason: this.unresponsive ?? reason.toString() };
      this.handler?.onClose(code, this.closeInfo.reason);
    });
    socket.on('error', () => {
      /* a close event follows; its code is what the session reports */
    });
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined && this.socket.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** Attaches the call; replays anything that arrived while the link waited (pre-warm). */
  attach(handler: ModelLinkHandler): void {
    this.handler = handler;
    for (const frame of this.early.splice(0)) handler.onMessage(frame);
    if (this.closeInfo) handler.onClose(this.closeInfo.code, this.closeInfo.reason);
  }

  /** Sends unless the socket is closed or backed up past MAX_MODEL_BUFFERED_BYTES (then the message is dropped and counted). */
  send(text: string): boolean {
    if (!this.canSend()) return false;
    this.socket.send(text);
    return true;
  }

  /** `send` for a message built as bytes (the hot path: caller audio), sent as a text frame with no string in between. */
  sendBytes(message: Buffer): boolean {
    if (!this.canSend()) return false;
    this.socket.send(message, TEXT_FRAME);
    return true;
  }

  private canSend(): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.socket.bufferedAmount <= MAX_MODEL_BUFFERED_BYTES) return true;
    this.dropped++;
    return false;
  }

  /** Pings the model every `pingEveryMs`; one that misses a pong is cut (its close then reaches the call). */
  watchPings(clock: Clock, pingEveryMs: number, log: Logger): void {
    this.watch ??= new PeerWatch(this.socket, {
      clock,
      silenceMs: Infinity,
      pingEveryMs,
      onDead: () => this.cut('no-pong', log),
    });
  }

  /** Cuts a session that stays open but no longer answers; the close that follows says why. */
  cut(why: Unresponsive, log: Logger): void {
    if (this.closeInfo) return;
    log.warn({ why }, why === 'no-pong' ? 'the model session did not answer a ping; replacing it' : 'the model did not start a response in time; replacing the session');
    this.unresponsive = why;
    this.socket.terminate();
  }

  close(code = 1000, reason = 'call ended'): void {
    this.handler = undefined;
    this.watch?.stop();
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
      // Don't wait for the peer's close frame if it never answers.
      setTimeout(() => this.socket.terminate(), 2000).unref();
    }
  }
}

/** Connects, sends `session.update`, and resolves once `session.updated` confirms μ-law both ways. */
export function openModelLink(opts: ModelLinkOptions): Promise<ModelLink> {
  const { clock, logger } = opts;
  const url = `${opts.url}?model=${encodeURIComponent(opts.model)}`;
  return new Promise<ModelLink>((resolve, reject) => {
    let settled = false;
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${opts.apiKey}` },
      perMessageDeflate: false,
      maxPayload: 16 * 1024 * 1024,
      // ws need not check that text frames are UTF-8: every message is either taken by `AudioDeltaReader`, which
      // accepts printable ASCII only, or goes through `frameText`, which refuses what is not UTF-8 before any parser
      // sees it (in the handshake below as in `RealtimePort`). The close reason is only ever decoded with `toString`.
      skipUTF8Validation: true,
    });
    const fail = (err: ModelConnectError) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.on('error', () => {});
      socket.terminate();
      reject(err);
    };
    const timer = clock.setTimeout(
      () => fail(new ModelConnectError(`model session not ready within ${opts.timeoutMs ?? 8000} ms`, 'timeout', false)),
      opts.timeoutMs ?? 8000,
    );
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      fail(new ModelConnectError(`model handshake refused with HTTP ${status}`, `http_${status}`, status === 401 || status === 403 || status === 404));
    });
    socket.on('error', (err) => fail(new ModelConnectError(`model socket error: ${err.message}`, 'socket_error', false)));
    socket.on('close', (code) => fail(new ModelConnectError(`model socket closed (${code}) before the session was ready`, `closed_${code}`, code === 4000)));
    // `once`: a listener left on the socket would keep this handshake (the session.update: instructions, tools) alive as long as the call.
    socket.once('open', () => socket.send(encode(opts.sessionUpdate, 'session_update')));
    const onMessage = (data: Buffer) => {
      const text = frameText(data);
      if (text === undefined) return fail(new ModelConnectError('model sent a text frame that is not UTF-8', 'invalid_utf8', false));
      const event = parseModelEvent(text);
      if (event.type === 'error') {
        const code = event.error.code ?? event.error.type ?? 'unknown';
        fail(new ModelConnectError(`model refused the session: ${event.error.message ?? code}`, code, FATAL_MODEL_ERRORS.has(code)));
      } else if (event.type === 'session.updated') {
        const audio = event.session.audio;
        if (audio?.input?.format?.type !== 'audio/pcmu' || audio?.output?.format?.type !== 'audio/pcmu') {
          fail(new ModelConnectError('model session did not accept audio/pcmu both ways', 'format_mismatch', true));
          return;
        }
        settled = true;
        clock.clearTimeout(timer);
        socket.off('message', onMessage);
        socket.removeAllListeners('close');
        socket.removeAllListeners('error');
        socket.removeAllListeners('unexpected-response');
        const interruptResponse = audio.input?.turn_detection?.interrupt_response !== false;
        logger.debug({ interruptResponse }, 'model session ready');
        resolve(new ModelLink(socket, interruptResponse));
      }
    };
    socket.on('message', onMessage);
  });
}
