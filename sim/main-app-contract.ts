import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ContractExample =
  | 'org-config.example.json'
  | 'org-config.full.example.json'
  | 'submit-order.example.json'
  | 'customer.example.json'
  | 'call-record.example.json';

/** The repository's copy of the main app's contract (`contract/`), found by walking up to package.json (works from `dist/` too). */
export function contractDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'contract');
}

export function loadContractExample(name: ContractExample): unknown {
  return JSON.parse(readFileSync(join(contractDir(), name), 'utf8')) as unknown;
}
