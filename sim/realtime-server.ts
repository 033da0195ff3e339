/**
 * Stand-in for the OpenAI Realtime GA WebSocket server (the openai 7.x Realtime types) on 127.0.0.1.
 *
 *   const sim = await startRealtimeSim({ apiKey: 'sk-test', responder });
 *   // point the bridge at sim.url …
 *   const session = await sim.nextSession();
 *   await session.waitForReceived('session.update');
 *   await sim.close();
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { authRefusal, bearerKey, errorJson, MODELS_PATH, ModelsRoute, send, type HttpRefusal, type ModelRequestRecord, type ModelsFault } from './realtime-http.js';
import { liveModel, modelNotFoundMessage } from './realtime-models.js';
import { resolveOptions, type ResolvedOptions } from './realtime-options.js';
import { SimSession } from './realtime-session.js';
import type { RealtimeSimOptions } from './realtime-types.js';

export { SimSession } from './realtime-session.js';
export { say, write, callTool, failResponse, failWith, incompleteResponse, speechMs, defaultResponder } from './realtime-responder.js';
export { textsOf, contextText, type ContextItem, type ModelContext } from './realtime-context.js';
export type { ModelRequestRecord, ModelsFault } from './realtime-http.js';
export type * from './realtime-types.js';

export const REALTIME_PATH = '/v1/realtime';

export interface StartRealtimeSimOptions extends RealtimeSimOptions {
  /** Called for each accepted session before `session.created` is sent. */
  onSession?: (session: SimSession) => void;
}

export interface RealtimeSim {
  /** `ws://127.0.0.1:PORT/v1/realtime` (append `?model=…`). */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, for `GET /v1/models/{model}`. */
  readonly httpUrl: string;
  readonly port: number;
  readonly apiKey: string;
  /** Every session so far (closed ones too unless `retainClosedSessions` is false). */
  readonly sessions: readonly SimSession[];
  readonly openSessions: number;
  readonly peakOpenSessions: number;
  /** Handshakes answered with an HTTP error. */
  readonly refusedHandshakes: number;
  /** The oldest session not yet handed out by `nextSession`, waiting for one if needed. */
  nextSession(timeoutMs?: number): Promise<SimSession>;
  /** Answer new handshakes with this HTTP status (e.g. 503, 401); `null` accepts again. */
  refuseHandshakes(status: number | null): void;
  /** Leave the next `count` upgrade requests unanswered (TCP accepted, no HTTP answer ever), like a stuck edge. */
  hangHandshakes(count: number): void;
  /** Upgrade requests left unanswered so far. */
  readonly hungHandshakes: number;
  /** `GET /v1/models/{model}` requests, in arrival order. */
  readonly modelRequests: readonly ModelRequestRecord[];
  /** Makes `GET /v1/models/{model}` slow (`{ delayMs }` on the sim's clock), fail (`{ status }`) or hang (`'stall'`). */
  modelsFault(fault: ModelsFault | null): void;
  /** Terminates every session and stops listening. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, refusal: HttpRefusal): void {
  const body = errorJson(refusal);
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

class Sim implements RealtimeSim {
  readonly sessions: SimSession[] = [];
  openSessions = 0;
  peakOpenSessions = 0;
  refusedHandshakes = 0;
  hungHandshakes = 0;
  url = '';
  httpUrl = '';
  port = 0;
  private refusalStatus: number | null = null;
  private hangsRequested = 0;
  private handshakeCount = 0;
  private sessionCount = 0;
  private readonly hung = new Set<Duplex>();
  private readonly models: ModelsRoute;
  private readonly unclaimed: SimSession[] = [];
  private readonly claimWaiters: Array<(s: SimSession) => void> = [];
  private readonly live = new Set<SimSession>();
  private readonly http = createServer((req, res) => this.request(req, res));
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: 32 * 1024 * 1024,
    // Sessions answer pings themselves, so a silent one can stop (see SimSession.goSilent).
    autoPong: false,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });

  constructor(
    private readonly options: ResolvedOptions,
    private readonly onSession: StartRealtimeSimOptions['onSession'],
  ) {
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.models = new ModelsRoute(options.apiKey, options.clock);
  }

  get modelRequests(): readonly ModelRequestRecord[] {
    return this.models.requests;
  }

  modelsFault(fault: ModelsFault | null): void {
    this.models.fault = fault ?? undefined;
  }

  hangHandshakes(count: number): void {
    this.hangsRequested += count;
  }

  get apiKey(): string {
    return this.options.apiKey;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}${REALTIME_PATH}`;
    this.httpUrl = `http://127.0.0.1:${this.port}`;
  }

  nextSession(timeoutMs = 5000): Promise<SimSession> {
    const ready = this.unclaimed.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const waiter = (s: SimSession) => {
        clearTimeout(timer);
        resolve(s);
      };
      const timer = setTimeout(() => {
        this.claimWaiters.splice(this.claimWaiters.indexOf(waiter), 1);
        reject(new Error(`realtime sim: no new session within ${timeoutMs} ms`));
      }, timeoutMs);
      this.claimWaiters.push(waiter);
    });
  }

  refuseHandshakes(status: number | null): void {
    this.refusalStatus = status;
  }

  async close(): Promise<void> {
    for (const session of this.live) session.drop();
    for (const socket of this.hung) socket.destroy();
    await Promise.all([...this.live].map((s) => s.closed));
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const model = MODELS_PATH.exec(path)?.[1];
    if (req.method === 'GET' && model !== undefined) return this.models.handle(req, res, decodeURIComponent(model));
    if (path === REALTIME_PATH) return void res.writeHead(426).end();
    send(res, { status: 404, code: null, message: `Invalid URL (${req.method} ${path})` });
  }

  private refusalFor(req: IncomingMessage, url: URL): HttpRefusal | undefined {
    if (url.pathname !== REALTIME_PATH) return { status: 404, code: 'not_found', message: `Invalid URL (GET ${url.pathname})` };
    if (this.refusalStatus !== null) {
      return { status: this.refusalStatus, code: 'handshake_refused', message: 'The server is not accepting connections.' };
    }
    const unauthorized = authRefusal(bearerKey(req, true), this.options.apiKey);
    if (unauthorized) return unauthorized;
    const model = url.searchParams.get('model');
    if (!model) return { status: 400, code: 'missing_required_parameter', message: "Missing required parameter: 'model'." };
    if (this.options.allowedModels && !this.options.allowedModels.includes(model)) {
      return { status: 403, code: 'model_not_found', message: `The model '${model}' does not exist or you do not have access to it.` };
    }
    const now = this.options.clock.wallNow();
    if (!liveModel(model, now, 'realtime')) return { status: 404, code: 'model_not_found', message: modelNotFoundMessage(model, now) };
    const cap = this.options.maxConcurrentSessions;
    if (cap !== undefined && this.openSessions >= cap) {
      return { status: 429, code: 'rate_limit_exceeded', message: 'Too many concurrent sessions.' };
    }
    return undefined;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.hangsHandshake(this.handshakeCount++)) {
      this.hungHandshakes++;
      this.hung.add(socket);
      socket.once('close', () => this.hung.delete(socket));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refusal = this.refusalFor(req, url);
    if (refusal) {
      this.refusedHandshakes++;
      refuse(socket, refusal);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new SimSession(ws, { headers: req.headers, model: url.searchParams.get('model')!, url: req.url ?? '' }, this.sessionCount++, this.options);
      this.track(session);
      if (req.headers['openai-beta'] !== undefined) return session.rejectBetaShape();
      if (this.options.silentSession?.(session.index)) session.goSilent();
      this.onSession?.(session);
      session.start();
    });
  }

  private hangsHandshake(index: number): boolean {
    if (this.hangsRequested > 0) {
      this.hangsRequested--;
      return true;
    }
    return this.options.hangHandshake?.(index) ?? false;
  }

  private track(session: SimSession): void {
    this.sessions.push(session);
    this.live.add(session);
    this.openSessions++;
    this.peakOpenSessions = Math.max(this.peakOpenSessions, this.openSessions);
    const waiter = this.claimWaiters.shift();
    if (waiter) waiter(session);
    else this.unclaimed.push(session);
    this.options.logger?.debug({ session: session.index, model: session.model }, 'realtime sim session opened');
    void session.closed.then(({ code }) => {
      this.options.logger?.debug({ session: session.index, code }, 'realtime sim session closed');
      this.live.delete(session);
      this.openSessions--;
      if (this.options.retainClosedSessions) return;
      this.sessions.splice(this.sessions.indexOf(session), 1);
      const queued = this.unclaimed.indexOf(session);
      if (queued >= 0) this.unclaimed.splice(queued, 1);
    });
  }
}

export async function startRealtimeSim(options: StartRealtimeSimOptions = {}): Promise<RealtimeSim> {
  const sim = new Sim(resolveOptions(options), options.onSession);
  await sim.listen();
  return sim;
}
