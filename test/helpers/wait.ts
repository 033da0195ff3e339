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

/**
 * Resolves once the model stand-in has received caller audio sent after this moment. The bridge writes to the model
 * socket in order, so anything it sent before (a response.create a timer triggered, say) has arrived by then:
 * asserting that something did NOT happen is only meaningful after this.
 */
export async function modelCaughtUp(session: { appendedBytes: number; waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<unknown> }): Promise<void> {
  const target = session.appendedBytes + 160 * 3;
  await session.waitUntil(() => session.appendedBytes >= target, 3000, 'caller audio sent after this moment');
}
