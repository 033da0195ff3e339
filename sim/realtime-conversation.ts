/** The items of one session's default conversation, in order, as truncate / delete / retrieve need them. */
import type { ConversationItem } from 'openai/resources/realtime/realtime';

export interface ConversationEntry {
  id: string;
  /** Wire shape, as `conversation.item.retrieved` returns it. */
  item: ConversationItem;
  /** Set for assistant audio items: bytes of audio sent, in the output format. */
  assistantAudio?: { bytes: number; bytesPerMs: number };
}

export class Conversation {
  private readonly entries = new Map<string, ConversationEntry>();
  private lastId: string | null = null;
  /** Whether any assistant audio was ever sent (the voice is locked from then on). */
  assistantAudioSent = false;

  /** Appends an item and returns the id of the item before it (`previous_item_id`). */
  add(entry: ConversationEntry): string | null {
    const previous = this.lastId;
    this.entries.set(entry.id, entry);
    this.lastId = entry.id;
    return previous;
  }

  get(id: string): ConversationEntry | undefined {
    return this.entries.get(id);
  }

  delete(id: string): boolean {
    const deleted = this.entries.delete(id);
    if (deleted && this.lastId === id) this.lastId = [...this.entries.keys()].at(-1) ?? null;
    return deleted;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }
}
