/** A list of promises waiting for the same moment ("idle", "empty", "done"): `wait()` joins, `wake()` resolves them all once. */
export class Waiters<T = void> {
  private pending: Array<(value: T) => void> = [];

  get size(): number {
    return this.pending.length;
  }

  wait(): Promise<T> {
    return new Promise((resolve) => this.pending.push(resolve));
  }

  wake(value: T): void {
    if (this.pending.length === 0) return;
    const woken = this.pending;
    this.pending = [];
    for (const resolve of woken) resolve(value);
  }
}
