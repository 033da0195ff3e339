import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config.js';

const root = new URL('../../', import.meta.url);
const variables = Object.keys(envSchema.shape);

describe('the configuration is documented where users look', () => {
  it('.env.example sets every variable the bridge reads, and nothing else', () => {
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...variables].sort());
  });

  it("README's configuration table names every variable", () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Routes'));
    const missing = variables.filter((name) => !table.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
