/**
 * The items of one session's default conversation, in the order the model reads them: appended, or inserted after
 * `previous_item_id` (`root` = first), as `ConversationItemCreateEvent.previous_item_id` describes.
 */
import type { ConversationItem } from 'openai/resources/realtime/realtime';

export interface ConversationEntry {
  id: string;
  /** Wire shape, as `conversation.item.retrieved` returns it. */
  item: ConversationItem;
  /** Set for assistant audio items: bytes of audio sent, in the output format. */
  assistantAudio?: { bytes: number; bytesPerMs: number };
  /** Set for caller audio items: how long the audio is, and what the caller said in it (the model hears it). */
  callerAudio?: { ms: number; said: string | null };
}

export class Conversation {
  private readonly entries = new Map<string, ConversationEntry>();
  private order: string[] = [];
  /** Whether any assistant audio was ever sent (the voice is locked from then on). */
  assistantAudioSent = false;

  /**
   * Adds an item at the end, or after `after` (`null` or `'root'`: first); returns the id of the item before it
   * (`previous_item_id`).
   */
  add(entry: ConversationEntry, after?: string | null): string | null {
    this.entries.set(entry.id, entry);
    const at = after === undefined ? this.order.length : after === null || after === 'root' ? 0 : this.order.indexOf(after) + 1;
    this.order.splice(at, 0, entry.id);
    return at === 0 ? null : this.order[at - 1]!;
  }

  get(id: string): ConversationEntry | undefined {
    return this.entries.get(id);
  }

  delete(id: string): boolean {
    if (!this.entries.delete(id)) return false;
    this.order = this.order.filter((other) => other !== id);
    return true;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Every item, in conversation order. */
  list(): ConversationEntry[] {
    return this.order.map((id) => this.entries.get(id)!);
  }
}
