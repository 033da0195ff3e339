/** Both sides of the conversation as text: for restoring a model session and for the end-of-call record. */
export interface TranscriptEntry {
  role: 'caller' | 'agent';
  text: string;
  /** The agent was cut off: only part of `text` was heard. */
  interrupted?: boolean;
}

const MAX_ENTRIES = 200;

export class Transcript {
  private readonly entries: TranscriptEntry[] = [];

  add(role: TranscriptEntry['role'], text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    this.entries.push({ role, text: trimmed });
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
  }

  /** Marks the latest agent line as interrupted (barge-in): the caller did not hear all of it. */
  markAgentInterrupted(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.role === 'agent') {
        e.interrupted = true;
        return;
      }
    }
  }

  get length(): number {
    return this.entries.length;
  }

  all(): readonly TranscriptEntry[] {
    return this.entries;
  }

  /** The most recent lines that fit in `maxChars`, oldest first, one line each. */
  compact(maxChars = 2000): string {
    const lines: string[] = [];
    let used = 0;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      const line = `${e.role === 'caller' ? 'Caller' : 'Agent'}: ${e.text}${e.interrupted ? ' [interrupted]' : ''}`;
      if (used + line.length + 1 > maxChars) break;
      lines.unshift(line);
      used += line.length + 1;
    }
    return lines.join('\n');
  }
}
