/** Starting the process under test: the real server as production runs it, or the reference relay. */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RpcChild, benchModule, repoRoot, tsLoaderArgs, moduleExt } from './ipc.js';
import { benchAllocator, productionNodeOptions } from './production-env.js';

/**
 * `reference`: the reference relay (JSON); `floor`: the same relay reading and writing bytes with the bridge's fast
 * paths and no call logic (what ws, Node and the kernel cost alone); `server`: the bridge.
 */
export type TargetKind = 'reference' | 'floor' | 'server';
export const TARGET_KINDS: readonly TargetKind[] = ['reference', 'floor', 'server'];

export interface TargetEnvironment {
  modelUrl: string;
  apiKey: string;
  appUrl: string;
  orgId: string;
}

export interface RunningTarget {
  kind: TargetKind;
  port: number;
  process: RpcChild;
  /** `ws://127.0.0.1:PORT/ws/twilio` */
  streamUrl: string;
  /** The server's DATA_DIR (a fresh temporary directory). */
  dataDir: string;
}

/** `node dist/src/index.js` when compiled; under vitest the TypeScript source through tsx. */
export function serverEntry(): string {
  return join(repoRoot, moduleExt === '.ts' ? 'src/index.ts' : 'dist/src/index.js');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const allocator = benchAllocator();

function targetEnv(kind: TargetKind, port: number, env: TargetEnvironment, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...(kind === 'server' ? { NODE_OPTIONS: productionNodeOptions() } : {}),
    ...(allocator.preload ? { LD_PRELOAD: allocator.preload } : {}),
    ...(kind === 'floor' ? { RELAY_BYTES: '1' } : {}),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    OPENAI_API_KEY: env.apiKey,
    OPENAI_REALTIME_URL: env.modelUrl,
    APP_URL: env.appUrl,
    // Set but empty, so a developer's .env cannot switch signature checks or stream tokens on.
    TWILIO_AUTH_TOKEN: '',
    STREAM_TOKEN_SECRET: '',
    INTERNAL_API_KEY: '',
    PUBLIC_URL: '',
    MAX_CONCURRENT_CALLS: '100000',
    MAX_CALL_SECONDS: '3600',
    DRAIN_TIMEOUT_SECONDS: '5',
    DATA_DIR: dataDir,
  };
}

async function waitHealthy(target: RunningTarget, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!target.process.alive) throw new Error(`${target.kind} exited before it was healthy ${target.process.lastOutput()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${target.port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${target.kind} not healthy within ${timeoutMs} ms ${target.process.lastOutput()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function activeCalls(target: RunningTarget): Promise<number | null> {
  try {
    const body = (await (await fetch(`http://127.0.0.1:${target.port}/health`)).json()) as { activeCalls?: unknown };
    return typeof body.activeCalls === 'number' ? body.activeCalls : null;
  } catch {
    return null;
  }
}

/** `settings`: more environment for the target (e.g. longer silence timers for calls that never speak). */
export async function startTarget(kind: TargetKind, env: TargetEnvironment, settings: NodeJS.ProcessEnv = {}): Promise<RunningTarget> {
  const port = await freePort();
  const entry = kind === 'server' ? serverEntry() : benchModule('launch-reference-relay');
  const probe = pathToFileURL(benchModule('loop-probe')).href;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  const child = RpcChild.spawnNode(kind, entry, { env: { ...targetEnv(kind, port, env, dataDir), ...settings }, nodeArgs: [...tsLoaderArgs, '--import', probe] });
  const target: RunningTarget = { kind, port, process: child, streamUrl: `ws://127.0.0.1:${port}/ws/twilio`, dataDir };
  try {
    await waitHealthy(target);
  } catch (err) {
    await stopTarget(target);
    throw err;
  }
  return target;
}

export async function stopTarget(target: RunningTarget): Promise<void> {
  await target.process.stop();
  rmSync(target.dataDir, { recursive: true, force: true });
}
