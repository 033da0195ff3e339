import { linearToMulaw } from '../audio.js';
import type { Clock, TimerHandle } from '../clock.js';

/** When a tool has run this long with nothing playing, the caller hears a soft cue instead of dead air. */
export const HOLD_CUE_AFTER_MS = 1500;
export const HOLD_CUE_EVERY_MS = 2500;

/** 240 ms of a quiet two-note chime (μ-law, base64), so a wait on the main app is audibly "working". */
export const HOLD_CUE_AUDIO: string = chime();

function chime(): string {
  const bytes = Buffer.alloc(240 * 8);
  for (let i = 0; i < bytes.length; i++) {
    const hz = i < bytes.length / 2 ? 660 : 880;
    const fade = Math.sin((Math.PI * (i % (bytes.length / 2))) / (bytes.length / 2));
    bytes[i] = linearToMulaw(1800 * fade * Math.sin((2 * Math.PI * hz * i) / 8000));
  }
  return bytes.toString('base64');
}

/** Plays the cue periodically while at least one tool runs (field note 14: slow tools must not leave dead air). */
export class HoldCue {
  private running = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly play: () => void,
  ) {}

  toolStarted(): void {
    if (this.running++ === 0) this.schedule(HOLD_CUE_AFTER_MS);
  }

  toolFinished(): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0) this.stop();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.play();
      this.schedule(HOLD_CUE_EVERY_MS);
    }, ms);
  }
}
