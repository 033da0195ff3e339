import { expect } from 'vitest';
import type { ManualClock } from '../../../src/clock.js';

/** Advances the manual clock in steps, letting file I/O run in between, until the condition holds (or 5 s pass). */
export async function driveUntil(clock: ManualClock, condition: () => boolean, stepMs = 100): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    clock.advance(stepMs);
  }
  expect(condition()).toBe(true);
}
