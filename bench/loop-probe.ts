/**
 * Loaded into the server under test with `node --import …/loop-probe.js <entry>`: reports that process's event-loop
 * delay to the coordinator over IPC, and writes a heap snapshot when asked (`npm run bench:heap`). It observes only;
 * without an IPC channel it does nothing.
 */
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { serveRpc } from './ipc.js';
import { LoopDelayMonitor } from './loop-delay.js';

/** Where a process's memory is, in KB: RSS, V8's heap (committed and used), its spaces (committed), buffers outside it. */
export interface ProcessMemory {
  rssKB: number;
  heapTotalKB: number;
  heapUsedKB: number;
  externalKB: number;
  arrayBuffersKB: number;
  spaces: Record<string, number>;
}

function memory(): ProcessMemory {
  const kb = (bytes: number) => Math.round(bytes / 1024);
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, kb(s.physical_space_size)]));
  return { rssKB: kb(usage.rss), heapTotalKB: kb(usage.heapTotal), heapUsedKB: kb(usage.heapUsed), externalKB: kb(usage.external), arrayBuffersKB: kb(usage.arrayBuffers), spaces };
}

if (process.send) {
  const monitor = new LoopDelayMonitor();
  serveRpc(
    {
      loopReset: () => monitor.reset(),
      loopRead: () => monitor.read(),
      memory,
      // Taking a snapshot collects garbage first, so it holds only what is reachable.
      heapSnapshot: ({ path }: { path: string }) => writeHeapSnapshot(path),
    },
    { keepAlive: false },
  );
}
