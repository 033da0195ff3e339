/**
 * The `floor` target: the reference relay with the bridge's byte fast paths in place of JSON. Twilio media frames
 * are read from the bytes (`TwilioMediaReader`) and go out as append frames built from bytes; audio deltas are read
 * from the bytes (`AudioDeltaReader`) and go out as Twilio media + mark built from bytes, in one write; every other
 * model event is ignored unread. No call logic at all: what ws, Node and the kernel cost per message, the least any
 * bridge on this stack pays.
 */
import WebSocket from 'ws';
import { AppendFrameBuilder } from '../src/realtime/append-frame.js';
import { AudioDeltaReader } from '../src/realtime/audio-delta-frame.js';
import { TwilioMediaReader } from '../src/twilio/media-frame.js';
import { TwilioFrameBuilder } from '../src/twilio/outbound-frames.js';
import { GREETING, MAX_BUFFERED_FRAMES, SESSION_UPDATE, type ReferenceRelayOptions } from './relay-session.js';

const TEXT = { binary: false } as const;
const SESSION_UPDATED = Buffer.from('"type":"session.updated"');

export class ByteRelayedCall {
  private model: WebSocket | undefined;
  private media: TwilioMediaReader | undefined;
  private frames: TwilioFrameBuilder | undefined;
  private ready = false;
  private readonly early: Buffer[] = [];
  private readonly appends = new AppendFrameBuilder('b');
  private readonly deltas = new AudioDeltaReader();
  private marks = 0;

  constructor(
    private readonly twilio: WebSocket,
    private readonly options: ReferenceRelayOptions,
    onEnd: () => void,
  ) {
    twilio.on('message', (data: Buffer) => this.fromTwilio(data));
    twilio.on('close', () => {
      this.model?.close();
      onEnd();
    });
    twilio.on('error', () => undefined);
  }

  private fromTwilio(data: Buffer): void {
    const media = this.media?.read(data);
    if (media) {
      const append = this.appends.build(media.payload);
      if (this.ready) this.model?.send(append, TEXT);
      else if (this.early.length < MAX_BUFFERED_FRAMES) this.early.push(append);
      return;
    }
    let msg: { event?: string; streamSid?: string };
    try {
      msg = JSON.parse(data.toString()) as typeof msg;
    } catch {
      return;
    }
    if (msg.event === 'start' && typeof msg.streamSid === 'string' && !this.model) {
      this.media = new TwilioMediaReader(msg.streamSid);
      this.frames = new TwilioFrameBuilder(msg.streamSid);
      this.connectModel();
    } else if (msg.event === 'stop') {
      this.twilio.close(1000);
    }
  }

  private connectModel(): void {
    const { modelUrl, apiKey, model = 'gpt-realtime' } = this.options;
    const ws = new WebSocket(`${modelUrl}?model=${encodeURIComponent(model)}`, { headers: { Authorization: `Bearer ${apiKey}` }, perMessageDeflate: false, skipUTF8Validation: true });
    this.model = ws;
    ws.on('open', () => ws.send(SESSION_UPDATE));
    ws.on('message', (data: Buffer) => this.fromModel(data));
    ws.on('close', () => this.twilio.close(1000));
    ws.on('error', () => undefined);
  }

  private fromModel(data: Buffer): void {
    const delta = this.deltas.read(data);
    if (delta && this.frames) {
      const socket = (this.twilio as WebSocket & { _socket: { cork(): void; uncork(): void } })._socket;
      socket.cork();
      this.twilio.send(this.frames.media(delta.delta), TEXT);
      this.twilio.send(this.frames.mark(`m${++this.marks}`), TEXT);
      socket.uncork();
    } else if (!this.ready && data.includes(SESSION_UPDATED)) {
      this.ready = true;
      for (const append of this.early.splice(0)) this.model!.send(append, TEXT);
      this.model!.send(GREETING);
    }
  }
}
