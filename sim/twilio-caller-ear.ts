import type { Clock, TimerHandle } from '../src/clock.js';
import { base64ByteLength } from './audio.js';
import { checkOutboundText, type Violation } from './twilio-outbound-check.js';
import { PlaybackBuffer, type MarkEcho } from './twilio-playback.js';

/**
 * The receiving half of a simulated call: checks what the bridge sends like Twilio does, plays media at real-time
 * pace, echoes marks (played or cleared), and records all of it for assertions.
 */
export interface ReceivedMedia {
  at: number;
  bytes: number;
  cumulativeBytes: number;
}

export interface TimedName {
  name: string;
  at: number;
}

export interface EchoedMark extends MarkEcho {
  echoedAt: number;
}

export interface CallerEarOptions {
  clock: Clock;
  streamSid: string;
  /** How often the owner calls `sync` anyway; marks due sooner get their own timer. */
  tickIntervalMs: number;
  sendMarkEcho: (name: string) => void;
  /** Called after anything recorded here changed. */
  onChange: () => void;
  recordMedia?: boolean;
  keepAudio?: boolean;
  exactMarkTiming?: boolean;
  onOutboundMedia?: (payloadB64: string, receivedAt: number) => void;
}

export class CallerEar {
  readonly received: ReceivedMedia[] = [];
  readonly marksReceived: TimedName[] = [];
  readonly markEchoes: EchoedMark[] = [];
  readonly clears: number[] = [];
  readonly violations: Violation[] = [];
  receivedBytes = 0;
  lastMediaAt = -Infinity;

  private readonly playback: PlaybackBuffer;
  private readonly audioChunks: Buffer[] = [];
  private markTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: CallerEarOptions) {
    this.playback = new PlaybackBuffer(options.clock.now());
  }

  get playedMs(): number {
    this.sync();
    return this.playback.playedMs;
  }

  get segmentsPlayedMs(): number[] {
    this.sync();
    return this.playback.segmentsPlayedMs;
  }

  get bufferedMs(): number {
    this.sync();
    return this.playback.bufferedMs;
  }

  receivedAudio(): Buffer {
    return Buffer.concat(this.audioChunks);
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    const now = this.options.clock.now();
    if (isBinary) {
      this.violations.push({ code: 31950, reason: 'binary frame', at: now });
      this.options.onChange();
      return;
    }
    if (this.stopped) return;
    const result = checkOutboundText(data.toString('utf8'), this.options.streamSid);
    if (!result.ok) {
      this.violations.push({ code: result.code, reason: result.reason, at: now });
    } else if (result.message.event === 'media') {
      this.onMedia(result.message.payload, now);
    } else if (result.message.event === 'mark') {
      this.marksReceived.push({ name: result.message.name, at: now });
      this.echo(this.playback.enqueueMark(result.message.name, now), now);
    } else {
      this.clears.push(now);
      this.echo(this.playback.clear(now), now);
    }
    this.scheduleMarkTimer(now);
    this.options.onChange();
  }

  /** Plays audio up to now, echoing the marks reached. */
  sync(now = this.options.clock.now()): void {
    if (this.stopped) return;
    this.echo(this.playback.advance(now), now);
    this.scheduleMarkTimer(now);
  }

  /** The stream is over: playback freezes where it is and nothing more is echoed. */
  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.markTimer);
    this.markTimer = undefined;
  }

  private onMedia(payload: string, now: number): void {
    const bytes = base64ByteLength(payload);
    this.receivedBytes += bytes;
    this.lastMediaAt = now;
    if (this.options.recordMedia !== false) this.received.push({ at: now, bytes, cumulativeBytes: this.receivedBytes });
    if (this.options.keepAudio) this.audioChunks.push(Buffer.from(payload, 'base64'));
    this.options.onOutboundMedia?.(payload, now);
    this.echo(this.playback.enqueueAudio(bytes, now), now);
  }

  private echo(echoes: MarkEcho[], now: number): void {
    for (const echo of echoes) {
      this.options.sendMarkEcho(echo.name);
      this.markEchoes.push({ ...echo, echoedAt: now });
    }
  }

  private scheduleMarkTimer(now: number): void {
    if (this.options.exactMarkTiming === false) return;
    this.options.clock.clearTimeout(this.markTimer);
    this.markTimer = undefined;
    const due = this.playback.nextMarkDueAt();
    if (due === undefined || due - now >= this.options.tickIntervalMs) return;
    this.markTimer = this.options.clock.setTimeout(() => {
      this.markTimer = undefined;
      this.sync();
      this.options.onChange();
    }, Math.max(0, due - now));
  }
}
