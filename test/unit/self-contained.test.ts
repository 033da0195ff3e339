import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractDir, loadContractExample } from '../../sim/main-app.js';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|html|json)$/.test(name) ? [path] : [];
  });
}

// A user clones this repository and nothing else: no code path may read a sibling checkout.
describe('the repository stands alone', () => {
  it('reads the contract from its own contract/ folder', () => {
    expect(contractDir()).toBe(join(root, 'contract'));
    expect(loadContractExample('org-config.example.json')).toMatchObject({ orgId: expect.any(String) });
  });

  it('has no path into ../shared (or any folder beside the repository) in src, sim, test or bench', () => {
    const reaching = /(\.\.\/)+shared\/|['"]\.\.['"]\s*,\s*['"]shared['"]/;
    const offenders = ['src', 'sim', 'test', 'bench']
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .filter((file) => !file.endsWith('self-contained.test.ts') && reaching.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
