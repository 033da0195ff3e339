/**
 * Counts what arrived of a numbered stream (16-bit sequence numbers, in send order): new items and duplicates.
 * Losses are what was sent minus what arrived new, so items missing at the end count too.
 */
export class SequenceTracker {
  delivered = 0;
  duplicated = 0;
  private expected: number | undefined;

  /** True if `seq` is new (possibly after a gap), false for a repeat of something already seen. */
  accept(seq: number): boolean {
    const ahead = this.expected === undefined ? 0 : (seq - this.expected) & 0xffff;
    if (ahead >= 0x8000) {
      this.duplicated++;
      return false;
    }
    this.delivered++;
    this.expected = (seq + 1) & 0xffff;
    return true;
  }
}
