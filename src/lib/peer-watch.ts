import type { Clock, TimerHandle } from '../clock.js';

/** The slice of a `ws` WebSocket the watch uses. */
export interface WatchedSocket {
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): unknown;
}

export interface PeerWatchOptions {
  clock: Clock;
  /** No inbound message for this long means the peer is gone (Infinity: a peer that may stay quiet). */
  silenceMs: number;
  /** A ping this often; no pong by the next one means the peer is gone. */
  pingEveryMs: number;
  /** Why the peer is considered gone. */
  onDead(why: 'silence' | 'no-pong'): void;
}

const TICK_MS = 1000;

/**
 * Notices a WebSocket peer gone quiet without closing (a half-open connection): no inbound message for `silenceMs`,
 * or no pong to a ping. One timer a second per socket; the hot path only sets a flag.
 */
export class PeerWatch {
  private heard = true;
  private quietMs = 0;
  private sincePingMs = 0;
  private awaitingPong = false;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly socket: WatchedSocket,
    private readonly opts: PeerWatchOptions,
  ) {
    socket.on('pong', () => {
      this.awaitingPong = false;
    });
    this.schedule();
  }

  /** Hot path: an inbound message arrived. */
  heardFrom(): void {
    this.heard = true;
  }

  stop(): void {
    this.stopped = true;
    this.opts.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = this.opts.clock.setTimeout(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    if (this.stopped) return;
    this.quietMs = this.heard ? 0 : this.quietMs + TICK_MS;
    this.heard = false;
    if (this.quietMs >= this.opts.silenceMs) return this.dead('silence');
    this.sincePingMs += TICK_MS;
    if (this.sincePingMs >= this.opts.pingEveryMs) {
      if (this.awaitingPong) return this.dead('no-pong');
      this.sincePingMs = 0;
      this.awaitingPong = true;
      this.socket.ping();
    }
    this.schedule();
  }

  private dead(why: 'silence' | 'no-pong'): void {
    this.stop();
    this.opts.onDead(why);
  }
}
