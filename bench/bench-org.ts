/** The benchmark's restaurant, served by the main-app stand-in (`launch-main-app.ts`). */
import { loadContractExample } from '../sim/main-app-contract.js';
import { BENCH_ORG_ID } from './options.js';

/**
 * The contract's example org without a call cap of its own: the example caps itself at 10 calls, and the bridge
 * refuses streams over an org's cap, so with it the benchmark would measure 10 calls whatever N it asked for.
 */
export function benchOrgs(): Record<string, unknown> {
  const { maxConcurrentCalls: _cap, ...example } = loadContractExample('org-config.example.json') as Record<string, unknown>;
  return { [BENCH_ORG_ID]: { ...example, orgId: BENCH_ORG_ID } };
}
