/**
 * A tiny request/response protocol over Node's IPC channel, so the coordinator can drive the stand-ins, the load
 * generator and a probe inside the server under test, each in its own process.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Arguments arrive as sent by the coordinator (structured clone of plain data). */
type Handler = (args: never) => unknown;

interface Request {
  rpc: number;
  cmd: string;
  args?: unknown;
}

interface Reply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const isRequest = (m: unknown): m is Request => typeof m === 'object' && m !== null && typeof (m as Request).rpc === 'number' && typeof (m as Request).cmd === 'string';

/**
 * Child side: answers requests with the named handlers. When the coordinator goes away the child exits.
 * `keepAlive: false` lets the process end on its own (for a probe inside a server).
 */
export function serveRpc(handlers: Record<string, Handler>, { keepAlive = true } = {}): void {
  if (!process.send) throw new Error('serveRpc: this process has no IPC channel (start it with fork)');
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    const handler = handlers[message.cmd];
    const reply = (r: Omit<Reply, 'rpc'>) => process.send?.({ rpc: message.rpc, ...r });
    if (!handler) return reply({ ok: false, error: `unknown command ${message.cmd}` });
    Promise.resolve()
      .then(() => handler(message.args as never))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  if (!keepAlive) process.channel?.unref();
  else process.on('SIGTERM', () => process.exit(0));
}

/** Where the bench's own modules are, and how to run them (compiled `.js`, or `.ts` through tsx under vitest). */
const here = dirname(fileURLToPath(import.meta.url));
const runningTs = import.meta.url.endsWith('.ts');
export const moduleExt = runningTs ? '.ts' : '.js';
export const tsLoaderArgs: string[] = runningTs ? ['--import', 'tsx'] : [];
/** The repository root (parent of `bench/` in source, of `dist/bench/` when compiled). */
export const repoRoot = runningTs ? join(here, '..') : join(here, '..', '..');

export function benchModule(name: string): string {
  return join(here, name + moduleExt);
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra node flags before the entry (e.g. `--import probe.js`). */
  nodeArgs?: string[];
}

const TAIL_LINES = 40;

/** BENCH_PROFILE_DIR=/some/dir writes a V8 CPU profile of every process the bench starts (on exit). */
function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Parent side of one child process: `call` sends a command and resolves with its result. */
export class RpcChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly tail: string[] = [];
  /** Lines the child wrote to stdout/stderr (its logs), counted, not kept beyond a short tail. */
  outputLines = 0;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: unknown) => this.onReply(m as Reply));
    for (const stream of [child.stdout, child.stderr]) stream?.setEncoding('utf8').on('data', (chunk: string) => this.keep(chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      const error = new Error(`${name} exited (code ${code}) ${this.lastOutput()}`.trim());
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  /** Forks a bench module (e.g. `launch-model`). */
  static fork(name: string, options: SpawnOptions = {}): RpcChild {
    const child = fork(benchModule(name), [], {
      cwd: repoRoot,
      env: options.env ?? process.env,
      execArgv: [...tsLoaderArgs, ...profileArgs(), ...(options.nodeArgs ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new RpcChild(name, child);
  }

  /** Spawns any node entry with an IPC channel (the server under test). */
  static spawnNode(name: string, entry: string, options: SpawnOptions = {}): RpcChild {
    const child = spawn(process.execPath, [...profileArgs(), ...(options.nodeArgs ?? []), entry], {
      cwd: repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new RpcChild(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  call<T>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
    if (!this.alive || !this.child.connected) return Promise.reject(new Error(`${this.name} is not running ${this.lastOutput()}`));
    const rpc = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ rpc, cmd, args } satisfies Request);
    });
  }

  /**
   * SIGTERM, then SIGKILL if the child is still there after `graceMs`. A profiled child gets longer: its profile is
   * written only on a clean exit, and the server drains first (after-call summaries and records).
   */
  async stop(graceMs = process.env.BENCH_PROFILE_DIR ? 30_000 : 3000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last `n` lines the child wrote (each cut at 300 characters). */
  tailLines(n: number): string[] {
    return this.tail.slice(-n);
  }

  lastOutput(): string {
    return this.tail.length ? `\n--- last output of ${this.name} ---\n${this.tail.join('\n')}` : '';
  }

  private onReply(reply: Reply): void {
    const p = this.pending.get(reply.rpc);
    if (!p) return;
    this.pending.delete(reply.rpc);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(`${this.name}: ${reply.error}`));
  }

  private keep(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      this.outputLines++;
      this.tail.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
  }
}
