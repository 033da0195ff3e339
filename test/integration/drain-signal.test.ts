import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMainApp, type MainAppStandIn } from '../../sim/main-app.js';
import { startBridgeProcess } from '../helpers/bridge-process.js';

let child: ChildProcess | undefined;
let mainApp: MainAppStandIn | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await mainApp?.close();
  mainApp = undefined;
});

describe('process signals', () => {
  it('SIGTERM drains (no live calls: at once), closes the server and exits 0', async () => {
    mainApp = await startMainApp();
    const run = startBridgeProcess({ OPENAI_API_KEY: 'sk-test', APP_URL: mainApp.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'bridge-signal-')) });
    child = run.proc;
    await run.listening;
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const messages = run.logs.map((l) => l.msg);
    expect(messages).toContain('shutting down');
    expect(messages).toContain('draining: no new calls; waiting for live calls to end');
    expect(run.logs.find((l) => l.msg === 'drained')).toMatchObject({ callsAtStart: 0, wrappedUp: 0 });
  });
});
