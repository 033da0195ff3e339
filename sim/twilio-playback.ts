import { BYTES_PER_MS } from './audio.js';

/**
 * Twilio's outbound playback buffer, without sockets: media and marks share one FIFO that drains at 8 bytes per ms.
 * A mark is echoed when everything queued before it has played, or at once if nothing is queued before it;
 * `clear` drops the buffered audio and hands back every pending mark, in order (Twilio's `clear` message docs).
 * Time only moves through `advance(now)`; callers pass the same monotonic clock to every method.
 */
export interface MarkEcho {
  name: string;
  /** `played`: playback reached the mark. `cleared`: a `clear` discarded it. */
  reason: 'played' | 'cleared';
  /** When the playhead reached the mark (exact, between ticks), or when the clear arrived. */
  reachedAt: number;
}

const BYTE_EPSILON = 1e-6;

type QueueEntry = { kind: 'audio'; remainingBytes: number } | { kind: 'mark'; name: string };

export class PlaybackBuffer {
  private readonly queue: QueueEntry[] = [];
  private head = 0;
  private bufferedBytes = 0;
  private lastAdvanceAt: number;
  private playedBytesTotal = 0;
  /** Bytes played in each segment between clears; the last entry is the segment playing now. */
  private readonly segmentBytes: number[] = [0];

  constructor(now: number) {
    this.lastAdvanceAt = now;
  }

  /** Plays audio up to `now` and returns the marks the playhead reached, in order. */
  advance(now: number): MarkEcho[] {
    const echoes: MarkEcho[] = [];
    let budget = Math.max(0, now - this.lastAdvanceAt) * BYTES_PER_MS;
    let cursorAt = this.lastAdvanceAt;
    this.lastAdvanceAt = Math.max(now, this.lastAdvanceAt);
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (entry.kind === 'mark') {
        echoes.push({ name: entry.name, reason: 'played', reachedAt: cursorAt });
        this.head++;
        continue;
      }
      if (budget <= 0) break;
      // Float time gives fractional bytes; a crumb of a byte left over must not hold back the next mark.
      const played = entry.remainingBytes - budget < BYTE_EPSILON ? entry.remainingBytes : budget;
      entry.remainingBytes -= played;
      budget -= played;
      cursorAt += played / BYTES_PER_MS;
      this.notePlayed(played);
      if (entry.remainingBytes > 0) break;
      this.head++;
    }
    this.compact();
    return echoes;
  }

  /** Queues audio received at `now`; playback starts at once if the buffer was idle. */
  enqueueAudio(bytes: number, now: number): MarkEcho[] {
    const echoes = this.advance(now);
    if (bytes > 0) {
      this.queue.push({ kind: 'audio', remainingBytes: bytes });
      this.bufferedBytes += bytes;
    }
    return echoes;
  }

  /** Queues a mark; returns its echo straight away when nothing is buffered ahead of it. */
  enqueueMark(name: string, now: number): MarkEcho[] {
    const echoes = this.advance(now);
    if (this.bufferedBytes < BYTE_EPSILON) {
      echoes.push({ name, reason: 'played', reachedAt: now });
    } else {
      this.queue.push({ kind: 'mark', name });
    }
    return echoes;
  }

  /** Drops buffered audio and returns every pending mark as `cleared`, in send order. */
  clear(now: number): MarkEcho[] {
    const echoes = this.advance(now);
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      if (entry.kind === 'mark') echoes.push({ name: entry.name, reason: 'cleared', reachedAt: now });
    }
    this.queue.length = 0;
    this.head = 0;
    this.bufferedBytes = 0;
    this.segmentBytes.push(0);
    return echoes;
  }

  /** When the next pending mark will be reached if nothing else arrives, or undefined if no mark is pending. */
  nextMarkDueAt(): number | undefined {
    let bytesAhead = 0;
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      if (entry.kind === 'mark') return this.lastAdvanceAt + bytesAhead / BYTES_PER_MS;
      bytesAhead += entry.remainingBytes;
    }
    return undefined;
  }

  get bufferedMs(): number {
    return this.bufferedBytes / BYTES_PER_MS;
  }

  get pendingMarks(): number {
    let count = 0;
    for (let i = this.head; i < this.queue.length; i++) if (this.queue[i]!.kind === 'mark') count++;
    return count;
  }

  get playedMs(): number {
    return this.playedBytesTotal / BYTES_PER_MS;
  }

  /** Milliseconds played of each segment between clears (the first segment runs from the start of the call). */
  get segmentsPlayedMs(): number[] {
    return this.segmentBytes.map((b) => b / BYTES_PER_MS);
  }

  private notePlayed(bytes: number): void {
    this.bufferedBytes -= bytes;
    this.playedBytesTotal += bytes;
    this.segmentBytes[this.segmentBytes.length - 1]! += bytes;
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
