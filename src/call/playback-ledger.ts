import { BYTES_PER_MS } from '../audio.js';

/**
 * What the caller has actually heard, built from Twilio mark echoes (Twilio's Media Streams docs: a `mark` comes back once the audio before it has played).
 * Pure: no sockets, no clock. The session sends a named mark after every audio chunk it forwards;
 * an echo means "played up to here" unless the mark was pending when `clear` went out.
 * Entries are keyed per output item (response, item, content part), never "the last item".
 */

/** How far past the last acknowledged mark the caller is assumed to have heard (one mark interval). */
export const HEARD_SLACK_MS = 50;

export interface PlaybackItem {
  readonly responseId: string;
  readonly itemId: string;
  readonly contentIndex: number;
  sentBytes: number;
  playedMs: number;
  audioDone: boolean;
  /** False once the model session that produced it is gone: the new session cannot truncate it. */
  truncatable: boolean;
}

export interface Truncation {
  itemId: string;
  contentIndex: number;
  audioEndMs: number;
}

export type MarkEcho =
  | { kind: 'played'; item: PlaybackItem; playedMs: number; firstForItem: boolean }
  | { kind: 'item-finished'; item: PlaybackItem }
  | { kind: 'cleared' }
  | { kind: 'unknown' };

interface PendingMark {
  item: PlaybackItem;
  sentMs: number;
  isDone: boolean;
}

export class PlaybackLedger {
  private generation = 0;
  private markSeq = 0;
  private readonly items: PlaybackItem[] = [];
  private readonly pending = new Map<string, PendingMark>();
  private readonly cleared = new Set<string>();

  /** Records audio forwarded to Twilio; returns the mark name to send right after it. */
  audioSent(responseId: string, itemId: string, contentIndex: number, bytes: number): string {
    const item = this.itemFor(responseId, itemId, contentIndex) ?? this.addItem(responseId, itemId, contentIndex);
    item.sentBytes += bytes;
    const name = `g${this.generation}.a${++this.markSeq}`;
    this.pending.set(name, { item, sentMs: item.sentBytes / BYTES_PER_MS, isDone: false });
    return name;
  }

  /** The item's audio is complete; returns the `done` mark name, or undefined when nothing of it was sent. */
  audioDone(responseId: string, itemId: string, contentIndex: number): string | undefined {
    const item = this.itemFor(responseId, itemId, contentIndex);
    if (!item || item.audioDone) return undefined;
    item.audioDone = true;
    const name = `g${this.generation}.d${++this.markSeq}`;
    this.pending.set(name, { item, sentMs: item.sentBytes / BYTES_PER_MS, isDone: true });
    return name;
  }

  markEchoed(name: string): MarkEcho {
    if (this.cleared.delete(name)) return { kind: 'cleared' };
    const mark = this.pending.get(name);
    if (!mark) return { kind: 'unknown' };
    this.pending.delete(name);
    const { item } = mark;
    if (mark.isDone) {
      item.playedMs = Math.max(item.playedMs, mark.sentMs);
      this.removeItem(item);
      return { kind: 'item-finished', item };
    }
    const firstForItem = item.playedMs === 0;
    item.playedMs = Math.max(item.playedMs, mark.sentMs);
    return { kind: 'played', item, playedMs: item.playedMs, firstForItem };
  }

  /** True while forwarded audio has not been acknowledged as played. */
  hasUnplayedAudio(): boolean {
    return this.pending.size > 0;
  }

  /** Items still in Twilio's buffer or playing (oldest first). */
  get queuedItems(): readonly PlaybackItem[] {
    return this.items;
  }

  responseIds(): Set<string> {
    return new Set(this.items.map((i) => i.responseId));
  }

  /**
   * Barge-in: snapshot where to truncate every queued item, then forget them and treat every
   * pending mark as cleared (its echo will mean "discarded", not "played").
   * The first item, or any item with acknowledged playback, is cut at min(sent, played + slack);
   * later items nothing of which was acknowledged are cut at 0; items with no audio are skipped.
   */
  interrupt(): Truncation[] {
    const truncations: Truncation[] = [];
    this.items.forEach((item, index) => {
      const sentMs = item.sentBytes / BYTES_PER_MS;
      if (item.sentBytes === 0 || !item.truncatable) return;
      const heard = index === 0 || item.playedMs > 0 ? Math.min(sentMs, item.playedMs + HEARD_SLACK_MS) : 0;
      truncations.push({ itemId: item.itemId, contentIndex: item.contentIndex, audioEndMs: Math.max(0, Math.floor(heard)) });
    });
    for (const name of this.pending.keys()) this.cleared.add(name);
    this.pending.clear();
    this.items.length = 0;
    this.generation++;
    return truncations;
  }

  /** The model session changed: queued audio keeps playing, but its items belong to a session that is gone. */
  retireItems(): void {
    for (const item of this.items) item.truncatable = false;
  }

  private itemFor(responseId: string, itemId: string, contentIndex: number): PlaybackItem | undefined {
    // Newest first: deltas almost always belong to the item most recently added.
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i]!;
      if (it.itemId === itemId && it.contentIndex === contentIndex && it.responseId === responseId) return it;
    }
    return undefined;
  }

  private addItem(responseId: string, itemId: string, contentIndex: number): PlaybackItem {
    const item: PlaybackItem = { responseId, itemId, contentIndex, sentBytes: 0, playedMs: 0, audioDone: false, truncatable: true };
    this.items.push(item);
    return item;
  }

  private removeItem(item: PlaybackItem): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
  }
}
