/**
 * Loaded into the server under test with `node --import …/loop-probe.js <entry>`: reports that process's event-loop
 * delay to the coordinator over IPC, and writes a heap snapshot when asked (`npm run bench:heap`). It observes only;
 * without an IPC channel it does nothing.
 */
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { serveRpc } from './ipc.js';
import { LoopDelayMonitor } from './loop-delay.js';

if (process.send) {
  const monitor = new LoopDelayMonitor();
  serveRpc(
    {
      loopReset: () => monitor.reset(),
      loopRead: () => monitor.read(),
      /** Where the process's memory is, in KB: V8's spaces (committed), buffers outside the heap, and RSS. */
      memory: () => {
        const kb = (bytes: number) => Math.round(bytes / 1024);
        const usage = process.memoryUsage();
        const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, kb(s.physical_space_size)]));
        return { rssKB: kb(usage.rss), heapTotalKB: kb(usage.heapTotal), heapUsedKB: kb(usage.heapUsed), externalKB: kb(usage.external), arrayBuffersKB: kb(usage.arrayBuffers), spaces };
      },
      // Taking a snapshot collects garbage first, so it holds only what is reachable.
      heapSnapshot: ({ path }: { path: string }) => writeHeapSnapshot(path),
    },
    { keepAlive: false },
  );
}
