/** Both sides of the conversation as text: for a replacement model session, the call record and the console. */
export interface TranscriptEntry {
  role: 'caller' | 'agent';
  text: string;
  itemId: string;
  /** The place of the line's item in the conversation (lines are kept in this order, whatever order they arrive in). */
  order: number;
  /** When the line began, in ms since the call started. */
  atMs: number;
  /** The agent was cut off: only part of `text` was heard. */
  interrupted?: boolean;
}

const MAX_ENTRIES = 200;
const MAX_INTERRUPTED_REMEMBERED = 50;

export class Transcript {
  private readonly entries: TranscriptEntry[] = [];
  private readonly interruptedItems = new Set<string>();

  add(entry: Omit<TranscriptEntry, 'interrupted'>): TranscriptEntry | undefined {
    const text = entry.text.trim();
    if (!text) return undefined;
    const added: TranscriptEntry = { ...entry, text, ...(this.interruptedItems.has(entry.itemId) ? { interrupted: true } : {}) };
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1]!.order > added.order) at--;
    this.entries.splice(at, 0, added);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    return added;
  }

  /** The agent's lines of these items were cut off by the caller (their transcripts may come later). */
  markInterrupted(itemIds: readonly string[]): void {
    for (const itemId of itemIds) {
      this.interruptedItems.add(itemId);
      for (const e of this.entries) if (e.itemId === itemId && e.role === 'agent') e.interrupted = true;
    }
    while (this.interruptedItems.size > MAX_INTERRUPTED_REMEMBERED) this.interruptedItems.delete(this.interruptedItems.values().next().value!);
  }

  get length(): number {
    return this.entries.length;
  }

  all(): readonly TranscriptEntry[] {
    return this.entries;
  }

  lastRole(): TranscriptEntry['role'] | undefined {
    return this.entries.at(-1)?.role;
  }

  /** The most recent lines that fit in `maxChars`, oldest first, one line each. */
  compact(maxChars = 2000): string {
    return this.recent(maxChars)
      .map((e) => `${e.role === 'caller' ? 'Caller' : 'Agent'}: ${e.text}${e.interrupted ? ' [interrupted]' : ''}`)
      .join('\n');
  }

  /** The most recent lines that fit in `maxChars`, as conversation messages for a replacement model session. */
  messages(maxChars = 4000): Array<{ role: 'user' | 'assistant'; text: string }> {
    return this.recent(maxChars).map((e) => ({ role: e.role === 'caller' ? 'user' : 'assistant', text: e.interrupted ? `${e.text} [cut off by the caller]` : e.text }));
  }

  private recent(maxChars: number): TranscriptEntry[] {
    const picked: TranscriptEntry[] = [];
    let used = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      used += e.text.length + 10;
      if (used > maxChars) break;
      picked.unshift(e);
    }
    return picked;
  }
}
