import type { Harness } from './bridge-harness.js';

/** Polls a condition (10 ms steps) until it holds; fails after `timeoutMs`. For state with no event to await. */
export async function waitForCondition(cond: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function waitForLog(h: Harness, match: (l: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<Record<string, unknown>> {
  let found: Record<string, unknown> | undefined;
  await waitForCondition(() => (found = h.logs.find(match)) !== undefined, timeoutMs, 'log line');
  return found!;
}
