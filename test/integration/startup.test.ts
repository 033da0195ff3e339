import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function start(env: Record<string, string>) {
  // A directory without a .env, so only `env` counts.
  const cwd = mkdtempSync(join(tmpdir(), 'bridge-start-'));
  return spawnSync(tsx, [join(root, 'src/index.ts')], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('start-up configuration errors', () => {
  it('stops with exit code 1 and one clear line naming a missing variable (no stack trace)', () => {
    const run = start({ APP_URL: 'https://app.example.com' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: OPENAI_API_KEY: required/)]);
    expect(run.stderr).not.toMatch(/\bat \w+ \(/);
  });

  it('names a malformed variable and what is expected', () => {
    const run = start({ OPENAI_API_KEY: 'sk-x', APP_URL: 'https://app.example.com', PORT: 'eighty' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid configuration: PORT: expected a whole number');
  });

  it('refuses to start in production without TWILIO_AUTH_TOKEN', () => {
    const run = start({ OPENAI_API_KEY: 'sk-x', APP_URL: 'https://app.example.com', NODE_ENV: 'production' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^Invalid configuration: TWILIO_AUTH_TOKEN/);
  });
});
