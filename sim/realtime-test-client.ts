/**
 * A plain `ws` client for exercising the Realtime stand-in directly (its own tests, smoke checks): it records
 * every server event and waits for them by type or predicate.
 */
import WebSocket from 'ws';
import { toFrames } from './audio.js';
import { EventLog } from './realtime-event-log.js';
import type { CloseInfo } from './realtime-types.js';

export type ServerEventJson = { type: string; [key: string]: unknown };

export interface ConnectOptions {
  apiKey?: string;
  /** Omit the query parameter by passing null. */
  model?: string | null;
  path?: string;
  headers?: Record<string, string>;
  /** Give up on an unanswered upgrade after this long (the `ws` client's handshake timeout). */
  handshakeTimeoutMs?: number;
}

/** Handshake outcome: an open client, or the HTTP status the server answered with. */
export type ConnectResult = { client: RealtimeTestClient } | { status: number; body: string };

function targetUrl(baseUrl: string, opts: ConnectOptions): string {
  const url = new URL(baseUrl);
  if (opts.path) url.pathname = opts.path;
  const model = opts.model === undefined ? 'gpt-realtime' : opts.model;
  if (model !== null) url.searchParams.set('model', model);
  return url.toString();
}

export function tryConnect(baseUrl: string, opts: ConnectOptions = {}): Promise<ConnectResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.apiKey !== undefined) headers.Authorization = `Bearer ${opts.apiKey}`;
  const ws = new WebSocket(targetUrl(baseUrl, opts), { headers, handshakeTimeout: opts.handshakeTimeoutMs });
  const client = new RealtimeTestClient(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ client }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

export async function connect(baseUrl: string, opts: ConnectOptions = {}): Promise<RealtimeTestClient> {
  const result = await tryConnect(baseUrl, opts);
  if ('status' in result) throw new Error(`realtime handshake refused: ${result.status} ${result.body}`);
  return result.client;
}

export class RealtimeTestClient {
  readonly log = new EventLog<ServerEventJson>('test client received');
  readonly closed: Promise<CloseInfo>;
  /** Pongs received for `ping()`. */
  readonly pongs = new EventLog<{ type: 'pong' }>('test client pongs');

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.log.push(JSON.parse(data.toString()) as ServerEventJson));
    ws.on('pong', () => this.pongs.push({ type: 'pong' }));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.log.close(new Error(`test client closed (${code})`));
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', () => {});
  }

  get events(): readonly ServerEventJson[] {
    return this.log.events;
  }

  types(): string[] {
    return this.log.events.map((e) => e.type);
  }

  /** A WebSocket ping, as a client's liveness check sends it. */
  ping(): void {
    this.ws.ping();
  }

  send(event: object | string): void {
    this.ws.send(typeof event === 'string' ? event : JSON.stringify(event));
  }

  /** Sends audio as 20 ms `input_audio_buffer.append` events, as a bridge relaying Twilio frames does. */
  sendFrames(audio: Buffer): void {
    for (const frame of toFrames(audio)) this.send({ type: 'input_audio_buffer.append', audio: frame.toString('base64') });
  }

  waitFor(match: string | ((e: ServerEventJson) => boolean), timeoutMs = 2000): Promise<ServerEventJson> {
    return typeof match === 'string'
      ? this.log.waitFor((e) => e.type === match, timeoutMs, match)
      : this.log.waitFor(match, timeoutMs);
  }

  /** The next event of `type` after the ones already received. */
  waitForNext(type: string, timeoutMs = 2000): Promise<ServerEventJson> {
    const seen = this.log.events.length;
    return this.log.waitFor((e) => e.type === type && this.log.events.indexOf(e) >= seen, timeoutMs, type);
  }

  close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

export interface VadOverrides {
  threshold?: number;
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
  idle_timeout_ms?: number | null;
  create_response?: boolean;
  interrupt_response?: boolean;
}

/** A GA `session.update` for Twilio audio (pcmu both ways) with every server_vad field set. */
export function pcmuSessionUpdate(vad: VadOverrides | null = {}, extra: Record<string, unknown> = {}): object {
  const turnDetection =
    vad === null
      ? null
      : {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 500,
          idle_timeout_ms: null,
          create_response: true,
          interrupt_response: true,
          ...vad,
        };
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: {
        input: { format: { type: 'audio/pcmu' }, turn_detection: turnDetection },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
      ...extra,
    },
  };
}

/** Connects, sends `pcmuSessionUpdate(vad, extra)` and waits for `session.updated`. */
export async function connectConfigured(
  sim: { url: string; apiKey: string },
  vad: VadOverrides | null = {},
  extra: Record<string, unknown> = {},
): Promise<RealtimeTestClient> {
  const client = await connect(sim.url, { apiKey: sim.apiKey });
  client.send(pcmuSessionUpdate(vad, extra));
  await client.waitFor('session.updated');
  return client;
}
