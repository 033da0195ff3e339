/**
 * The least a correct Twilio ⇄ Realtime bridge can do, as a yardstick for the benchmark: per call, parse every
 * message, re-wrap it and send it on. Configures the model session like the real bridge (μ-law both ways, server
 * VAD, transcription) so the stand-in model produces the same traffic, greets once `session.updated` arrives,
 * buffers caller audio until then, forwards deltas as `media` + `mark`. Nothing else: no tools, no barge-in,
 * no playback ledger, no logging per message. With `bytes`, the same without JSON (`byte-relay.ts`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ByteRelayedCall } from './byte-relay.js';
import { GREETING, MAX_BUFFERED_FRAMES, SESSION_UPDATE, type ReferenceRelayOptions } from './relay-session.js';

export type { ReferenceRelayOptions };

export interface ReferenceRelay {
  readonly port: number;
  readonly activeCalls: number;
  close(): Promise<void>;
}

type TwilioMessage = { event?: string; streamSid?: string; media?: { payload?: string } };
type ModelEvent = { type?: string; delta?: string };

function parse<T>(data: WebSocket.RawData): T | undefined {
  try {
    return JSON.parse(data.toString()) as T;
  } catch {
    return undefined;
  }
}

class RelayedCall {
  private model: WebSocket | undefined;
  private streamSid = '';
  private ready = false;
  private readonly early: string[] = [];
  private marks = 0;

  constructor(
    private readonly twilio: WebSocket,
    private readonly options: ReferenceRelayOptions,
    onEnd: () => void,
  ) {
    twilio.on('message', (data) => this.fromTwilio(parse<TwilioMessage>(data)));
    twilio.on('close', () => {
      this.model?.close();
      onEnd();
    });
    twilio.on('error', () => undefined);
  }

  private fromTwilio(msg: TwilioMessage | undefined): void {
    if (msg?.event === 'media' && typeof msg.media?.payload === 'string') {
      const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: msg.media.payload });
      if (this.ready) this.model?.send(append);
      else if (this.early.length < MAX_BUFFERED_FRAMES) this.early.push(append);
    } else if (msg?.event === 'start' && typeof msg.streamSid === 'string' && !this.model) {
      this.streamSid = msg.streamSid;
      this.connectModel();
    } else if (msg?.event === 'stop') {
      this.twilio.close(1000);
    }
  }

  private connectModel(): void {
    const { modelUrl, apiKey, model = 'gpt-realtime' } = this.options;
    const ws = new WebSocket(`${modelUrl}?model=${encodeURIComponent(model)}`, { headers: { Authorization: `Bearer ${apiKey}` }, perMessageDeflate: false });
    this.model = ws;
    ws.on('open', () => ws.send(SESSION_UPDATE));
    ws.on('message', (data) => this.fromModel(parse<ModelEvent>(data)));
    ws.on('close', () => this.twilio.close(1000));
    ws.on('error', () => undefined);
  }

  private fromModel(event: ModelEvent | undefined): void {
    if (event?.type === 'response.output_audio.delta' && typeof event.delta === 'string') {
      this.twilio.send(JSON.stringify({ event: 'media', streamSid: this.streamSid, media: { payload: event.delta } }));
      this.twilio.send(JSON.stringify({ event: 'mark', streamSid: this.streamSid, mark: { name: `m${++this.marks}` } }));
    } else if (event?.type === 'session.updated' && !this.ready) {
      this.ready = true;
      for (const append of this.early.splice(0)) this.model!.send(append);
      this.model!.send(GREETING);
    }
  }
}

export async function startReferenceRelay(options: ReferenceRelayOptions): Promise<ReferenceRelay> {
  let active = 0;
  // The byte relay checks what it forwards itself, and reads nothing else, as the bridge does.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, skipUTF8Validation: options.bytes === true });
  const http: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', activeCalls: active }));
    } else {
      res.writeHead(404).end();
    }
  });
  http.on('upgrade', (req, socket, head) => {
    if (req.url !== '/ws/twilio') return socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      active++;
      if (options.bytes) new ByteRelayedCall(ws, options, () => active--);
      else new RelayedCall(ws, options, () => active--);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    get activeCalls() {
      return active;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
