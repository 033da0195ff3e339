/**
 * What production's image sets for the process, read from the `Dockerfile`, so the benchmark runs the server the
 * way it is deployed: the V8 options (`ENV NODE_OPTIONS=…`) and the memory allocator (`ENV LD_PRELOAD=…`: jemalloc).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './ipc.js';

function dockerfileEnv(name: string): string | undefined {
  const line = new RegExp(`^ENV ${name}="?([^"\\n]*)"?$`, 'm').exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
  return line?.[1];
}

/** The server's `NODE_OPTIONS`: the Dockerfile's, unless `BENCH_NODE_OPTIONS` replaces them, to try others. */
export function productionNodeOptions(): string {
  if (process.env.BENCH_NODE_OPTIONS !== undefined) return process.env.BENCH_NODE_OPTIONS;
  return dockerfileEnv('NODE_OPTIONS') ?? '';
}

export interface Allocator {
  /** The library to preload, or null for the C library's malloc. */
  preload: string | null;
  /** How the report names it. */
  description: string;
}

const JEMALLOC = 'libjemalloc.so.2';
/** Where Debian and Ubuntu put it (the package `libjemalloc2`), per architecture, and where the image links it. */
const LIBRARY_DIRS = ['/usr/local/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];

/**
 * The allocator every target runs with (a property of the machine's processes, like the Node version, so the
 * reference relays get it too): production's jemalloc, found where this machine keeps it. `BENCH_LD_PRELOAD`
 * replaces it (empty: the C library's malloc). Without jemalloc installed the run says so, since memory per call
 * then reads higher than production's.
 */
export function benchAllocator(find: (path: string) => boolean = existsSync): Allocator {
  const override = process.env.BENCH_LD_PRELOAD;
  if (override !== undefined) {
    return override ? { preload: override, description: `LD_PRELOAD=${override} (BENCH_LD_PRELOAD)` } : { preload: null, description: 'glibc malloc (BENCH_LD_PRELOAD empty)' };
  }
  const wanted = dockerfileEnv('LD_PRELOAD');
  if (!wanted) return { preload: null, description: 'glibc malloc (the Dockerfile preloads nothing)' };
  const candidates = [wanted, ...LIBRARY_DIRS.map((dir) => join(dir, JEMALLOC))];
  const found = candidates.find((path) => find(path));
  if (found) return { preload: found, description: `jemalloc as in production (${found})` };
  return { preload: null, description: `glibc malloc: production preloads jemalloc, not installed here (apt-get install libjemalloc2), so memory per call reads higher than production's` };
}
