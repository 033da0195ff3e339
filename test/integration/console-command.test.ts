import { afterEach, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '../../sim/console.js';
import { startRealtimeSim, type RealtimeSim } from '../../sim/realtime-server.js';
import { say } from '../../sim/realtime-responder.js';
import { startTwilioCall } from '../../sim/twilio-caller.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let running: RunningConsole | undefined;
let model: RealtimeSim | undefined;
afterEach(async () => {
  await running?.close();
  await model?.close();
  running = undefined;
  model = undefined;
});

async function callFromTheConsole(console: RunningConsole): Promise<number> {
  const wsUrl = new URL(console.url).origin.replace(/^http/, 'ws') + '/ws/browser';
  const call = await startTwilioCall({ url: wsUrl, headers: { authorization: `Bearer ${console.token}` }, customParameters: { orgId: 'org_luigis' } });
  const heard = await call.waitForAudio(200, 8000);
  await call.hangUp();
  return heard;
}

describe('npm run console', () => {
  it('runs the package script sim/console.ts', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.console).toBe('tsx sim/console.ts');
  });

  it('without keys: the bridge and the stand-ins, printing the console URL and a fresh token that opens it', async () => {
    const printed: string[] = [];
    running = await startConsole({ env: {}, port: 0, out: (line) => printed.push(line) });
    expect(running.realOpenAI).toBe(false);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\?org=org_luigis$/);
    expect(running.token.length).toBeGreaterThanOrEqual(32);
    expect(printed.join('\n')).toContain(running.url);
    expect(printed.join('\n')).toContain(running.token);
    expect((await fetch(running.url)).status).toBe(200);
    const calls = await fetch(new URL('/console/calls', running.url), { headers: { authorization: `Bearer ${running.token}` } });
    expect(calls.status).toBe(200);
    expect(await callFromTheConsole(running)).toBeGreaterThanOrEqual(200);
  });

  it('with OPENAI_API_KEY: the bridge talks to the Realtime API named by the environment, with the given CONSOLE_TOKEN', async () => {
    // The stand-in plays OpenAI here, reached only because the environment names it.
    model = await startRealtimeSim({ apiKey: 'sk-from-the-environment', responder: () => [say('Hello from the configured model.', 600)] });
    running = await startConsole({
      env: { OPENAI_API_KEY: 'sk-from-the-environment', OPENAI_REALTIME_URL: model.url, CONSOLE_TOKEN: 'a-console-token-from-env', LOG_LEVEL: 'silent' },
      port: 0,
      out: () => undefined,
    });
    expect(running).toMatchObject({ realOpenAI: true, token: 'a-console-token-from-env' });
    expect(await callFromTheConsole(running)).toBeGreaterThanOrEqual(200);
    expect(model.sessions).toHaveLength(1);
  });
});
