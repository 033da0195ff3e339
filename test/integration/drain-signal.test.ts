import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMainApp, type MainAppStandIn } from '../../sim/main-app.js';
import { waitForCondition } from '../helpers/wait.js';

let child: ChildProcess | undefined;
let mainApp: MainAppStandIn | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await mainApp?.close();
  mainApp = undefined;
});

/** Runs src/index.ts as its own process (as `node dist/src/index.js` would run), collecting its JSON log lines. */
function startProcess(env: Record<string, string>) {
  const logs: Array<Record<string, unknown>> = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  proc.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, logs, exited };
}

describe('process signals', () => {
  it('SIGTERM drains (no live calls: at once), closes the server and exits 0', async () => {
    mainApp = await startMainApp();
    const run = startProcess({
      NODE_ENV: 'development',
      OPENAI_API_KEY: 'sk-test',
      APP_URL: mainApp.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-signal-')),
    });
    child = run.proc;
    await waitForCondition(() => run.logs.some((l) => String(l.msg).startsWith('Server listening')), 15_000, 'the server to listen');
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const messages = run.logs.map((l) => l.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('draining: no new calls; waiting for live calls to end');
    expect(run.logs.find((l) => l.msg === 'drained')).toMatchObject({ callsAtStart: 0, wrappedUp: 0 });
  });
});
