import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitForCondition } from './wait.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface BridgeProcess {
  proc: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** Resolves once the server listens; `httpUrl` and `wsUrl` are set then. */
  listening: Promise<void>;
  httpUrl: string;
  wsUrl: string;
}

/**
 * Runs the bridge as its own process, the way production does (`src/index.ts` under tsx), with the given
 * environment and optional `--import` preloads, collecting its JSON log lines. PORT=0: the port comes from the log.
 */
export function startBridgeProcess(env: Record<string, string>, preloads: string[] = []): BridgeProcess {
  const logs: Array<Record<string, unknown>> = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', ...preloads.flatMap((p) => ['--import', p]), 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
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
  const run: BridgeProcess = { proc, logs, exited, listening: Promise.resolve(), httpUrl: '', wsUrl: '' };
  run.listening = waitForCondition(() => logs.some((l) => String(l.msg).startsWith('Server listening')), 20_000, 'the server to listen').then(() => {
    const line = logs.find((l) => String(l.msg).startsWith('Server listening'))!;
    const address = /http:\/\/[\d.]+:\d+/.exec(String(line.msg))![0];
    run.httpUrl = address;
    run.wsUrl = `${address.replace('http', 'ws')}/ws/twilio`;
  });
  return run;
}

/** A preload that throws an uncaught exception when the process gets SIGUSR2 (the crash test's latent bug). */
export const THROW_ON_SIGNAL = join(ROOT, 'test', 'helpers', 'throw-on-signal.mjs');
