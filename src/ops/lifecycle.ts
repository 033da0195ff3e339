/**
 * Whether this process still takes new calls. Flipped once by the drainer (or by closing the server):
 * `/health` says `draining`, `/ready` answers 503, the webhook answers busy and WebSocket upgrades are refused.
 */
export class Lifecycle {
  private isDraining = false;

  get draining(): boolean {
    return this.isDraining;
  }

  /** Idempotent. */
  beginDrain(): void {
    this.isDraining = true;
  }
}
