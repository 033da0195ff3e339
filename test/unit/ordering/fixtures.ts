import { parseOrgConfig, type OrgConfig } from '../../../src/main-app/org-config.js';
import type { SubmitOrderBody } from '../../../src/main-app/submit-order-body.js';
import { loadContractExample, type ContractExample } from '../../../sim/main-app.js';

/** The contract's example org (Luigi's), parsed with defaults applied. */
export function exampleOrg(patch: (raw: Record<string, any>) => void = () => {}, example: ContractExample = 'org-config.example.json'): OrgConfig {
  const raw = structuredClone(loadContractExample(example)) as Record<string, any>;
  patch(raw);
  const parsed = parseOrgConfig(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

export function exampleSubmitBody(): SubmitOrderBody {
  return structuredClone(loadContractExample('submit-order.example.json')) as SubmitOrderBody;
}

/** The contract's full example org (Bella Cucina, America/Chicago): every optional field, closed on Sundays and 2026-12-25. */
export function fullExampleOrg(patch: (raw: Record<string, any>) => void = () => {}): OrgConfig {
  return exampleOrg(patch, 'org-config.full.example.json');
}
