import WebSocket from 'ws';
import { FRAME_MS } from './audio.js';
import type { CallerScript } from './twilio-caller-script.js';
import * as inbound from './twilio-inbound.js';
import type { MediaFormat, StreamIdentity } from './twilio-inbound.js';

/**
 * The sending half of a simulated call: numbers every message like Twilio does (`sequenceNumber` from "1" on `start`),
 * sends the 20 ms media frames on the stream's own grid, and can be muted (`silent`) to play a half-open connection.
 */
export interface StartDetails {
  tracks: string[];
  customParameters: Record<string, string>;
  mediaFormat: MediaFormat;
}

export class StreamSender {
  mediaFramesSent = 0;
  pingsReceived = 0;
  pongsSent = 0;
  /** While true nothing leaves: no frames, no mark echoes, no pongs (the caller's side of the line is dead). */
  silent = false;
  private sequence = 0;
  private frameIndex = 0;
  private streamStartAt = 0;
  private jitterHoldUntil: number | undefined;
  private readonly streamSidJson: string;

  constructor(
    private readonly ws: WebSocket,
    private readonly identity: StreamIdentity,
    private readonly script: CallerScript,
    private readonly jitterMs: number,
    onPing: () => void,
  ) {
    this.streamSidJson = JSON.stringify(identity.streamSid);
    // The socket is opened with autoPong off: pongs go out here, so a silent caller stops answering pings.
    ws.on('ping', (data: Buffer) => {
      this.pingsReceived++;
      if (!this.silent && ws.readyState === WebSocket.OPEN) {
        ws.pong(data);
        this.pongsSent++;
      }
      onPing();
    });
  }

  connected(): void {
    this.send(inbound.connectedMessage());
  }

  /** Sends `start` and the frames due at `now` (the first one at once). */
  start(details: StartDetails, now: number): void {
    this.sequence = 1;
    this.send(inbound.startMessage(this.identity, this.sequence, details));
    this.streamStartAt = now;
    this.sendDueFrames(now);
  }

  dtmf(digit: string): void {
    this.send(inbound.dtmfMessage(this.identity.streamSid, ++this.sequence, digit));
  }

  markEcho(name: string): void {
    this.send(inbound.markEchoMessage(this.identity.streamSid, ++this.sequence, name));
  }

  stop(): void {
    this.send(inbound.stopMessage(this.identity, ++this.sequence));
  }

  /** One media message, numbered like the others, whose payload text goes into the JSON unescaped. */
  rawMedia(payloadJson: string, timestampMs: number): void {
    if (this.silent) return;
    this.mediaFramesSent++;
    this.send(inbound.mediaMessage(this.streamSidJson, ++this.sequence, this.mediaFramesSent, timestampMs, payloadJson));
  }

  /** The timestamp the next frame would carry. */
  get nextTimestamp(): number {
    return this.frameIndex * FRAME_MS;
  }

  /** Drift correction: frame n belongs at streamStart + 20n, so a late tick sends every frame it owes. */
  sendDueFrames(now: number): void {
    const due = Math.floor((now - this.streamStartAt) / FRAME_MS) + 1;
    while (this.frameIndex < due) {
      const timestamp = this.frameIndex * FRAME_MS;
      if (this.isHeldByJitter(timestamp, now)) break;
      const payload = this.script.nextFrame(this.frameIndex);
      this.frameIndex++;
      if (payload !== null) this.rawMedia(payload, timestamp);
    }
  }

  send(text: string): void {
    if (!this.silent && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** With `jitterMs`, each frame leaves up to that much late (in order); its timestamp stays on the 20 ms grid. */
  private isHeldByJitter(timestamp: number, now: number): boolean {
    if (this.jitterMs <= 0) return false;
    this.jitterHoldUntil ??= this.streamStartAt + timestamp + Math.random() * this.jitterMs;
    if (now < this.jitterHoldUntil) return true;
    this.jitterHoldUntil = undefined;
    return false;
  }
}
