/**
 * Loaded into the server under test with `node --import …/loop-probe.js <entry>`: reports that process's event-loop
 * delay to the coordinator over IPC. It observes only; without an IPC channel it does nothing.
 */
import { serveRpc } from './ipc.js';
import { LoopDelayMonitor } from './loop-delay.js';

if (process.send) {
  const monitor = new LoopDelayMonitor();
  serveRpc({ loopReset: () => monitor.reset(), loopRead: () => monitor.read() }, { keepAlive: false });
}
