import { parseOrgConfig, type OrgConfig } from '../../../src/main-app/org-config.js';
import type { SubmitOrderBody } from '../../../src/main-app/submit-order-body.js';
import { loadContractExample } from '../../../sim/main-app.js';

/** The contract's example org (Luigi's), parsed with defaults applied. */
export function exampleOrg(patch: (raw: Record<string, any>) => void = () => {}): OrgConfig {
  const raw = structuredClone(loadContractExample('org-config.example.json')) as Record<string, any>;
  patch(raw);
  const parsed = parseOrgConfig(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

export function exampleSubmitBody(): SubmitOrderBody {
  return structuredClone(loadContractExample('submit-order.example.json')) as SubmitOrderBody;
}
