import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Waiters } from './twilio-waiters.js';

/**
 * A bare WebSocket server standing where the bridge would be, for testing the simulated caller itself:
 * it records the upgrade headers and every message a `SimCall` sends, and lets a test send anything back.
 */
export type ProbeMessage = Record<string, unknown> & { event?: string };

export interface ProbeConnection {
  readonly headers: IncomingHttpHeaders;
  readonly path: string;
  /** Text frames, parsed as JSON, in arrival order. */
  readonly messages: ProbeMessage[];
  /** The same frames as the text that arrived (field order included). */
  readonly raw: string[];
  /** Pongs received for `ping()`. */
  readonly pongs: number;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Objects are sent as JSON text; strings as text; Buffers as binary frames. */
  send(message: object | string | Buffer): void;
  waitForMessage(predicate: (m: ProbeMessage) => boolean, timeoutMs?: number, label?: string): Promise<ProbeMessage>;
  close(code?: number, reason?: string): void;
  /** A WebSocket ping, as a bridge's liveness check sends it. */
  ping(): void;
  /** Drops the TCP connection without a close handshake. */
  terminate(): void;
}

export interface BridgeProbe {
  readonly url: string;
  nextConnection(timeoutMs?: number): Promise<ProbeConnection>;
  close(): Promise<void>;
}

function probeConnection(ws: WebSocket, headers: IncomingHttpHeaders, path: string): ProbeConnection {
  const messages: ProbeMessage[] = [];
  const raw: string[] = [];
  let pongs = 0;
  const waiters = new Waiters();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      raw.push(data.toString('utf8'));
      messages.push(JSON.parse(raw.at(-1)!) as ProbeMessage);
    }
    waiters.check();
  });
  ws.on('pong', () => {
    pongs++;
    waiters.check();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code: number, reason: Buffer) => {
      waiters.finish('the connection closed');
      resolve({ code, reason: reason.toString() });
    }),
  );
  return {
    headers,
    path,
    messages,
    raw,
    get pongs() {
      return pongs;
    },
    closed,
    send: (message) => ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message)),
    waitForMessage: (predicate, timeoutMs = 5000, label = 'a message') => waiters.waitFor(() => messages.find(predicate), timeoutMs, label),
    close: (code = 1000, reason = '') => ws.close(code, reason),
    ping: () => ws.ping(),
    terminate: () => ws.terminate(),
  };
}

/** `refuseWith`: answer every upgrade with this HTTP status instead of 101. */
export async function startBridgeProbe(options: { refuseWith?: number } = {}): Promise<BridgeProbe> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: options.refuseWith ? (_info, done) => done(false, options.refuseWith) : undefined,
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const connections: ProbeConnection[] = [];
  let taken = 0;
  const waiters = new Waiters();
  wss.on('connection', (ws, req) => {
    connections.push(probeConnection(ws, req.headers, req.url ?? '/'));
    waiters.check();
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws/twilio`,
    async nextConnection(timeoutMs = 5000) {
      const conn = await waiters.waitFor(() => connections[taken], timeoutMs, 'a connection');
      taken++;
      return conn;
    },
    close() {
      for (const client of wss.clients) client.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
