/**
 * `npm run bench:heap`: what each idle call holds in the server's heap. Starts the built server as the benchmark
 * does (stand-ins in their own processes), opens a first batch of calls and then a second, each caller silent after
 * the greeting, and takes a heap snapshot once each batch is live; the growth between the two snapshots, divided by
 * the calls added, is what one more call holds, grouped by kind of object, largest first. (RSS is the benchmark's
 * business: a snapshot takes a lot of memory of its own, which stays in the process's RSS.)
 *
 *   npm run bench:heap -- [--n 100,400] [--top 40] [--keep DIR]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_API_KEY } from './bench.js';
import { perCall, readHeapGroups, totalBytes } from './heap-snapshot.js';
import { RpcChild } from './ipc.js';
import type { CallersStartArgs } from './launch-callers.js';
import { DEFAULT_OPTIONS } from './options.js';
import { activeCalls, startTarget, stopTarget, type RunningTarget } from './targets.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100,400' }, top: { type: 'string', default: '40' }, keep: { type: 'string' } } });
const [first, second] = values.n.split(',').map(Number) as [number, number];
if (!(first >= 1 && second > first)) throw new Error('--n: two increasing counts, e.g. 100,400');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = values.keep ? (mkdirSync(values.keep, { recursive: true }), values.keep) : mkdtempSync(join(tmpdir(), 'bench-heap-'));

const mainApp = RpcChild.fork('launch-main-app');
const model = RpcChild.fork('launch-model');
const callers = [RpcChild.fork('launch-callers'), RpcChild.fork('launch-callers')];
let target: RunningTarget | undefined;
try {
  const { url: appUrl } = await mainApp.call<{ url: string }>('start');
  const { url: modelUrl } = await model.call<{ url: string }>('start', { apiKey: BENCH_API_KEY, ...DEFAULT_OPTIONS.model });
  // The callers never speak: no silence reprompt may end their calls while they are counted.
  target = await startTarget('server', { modelUrl, apiKey: BENCH_API_KEY, appUrl, orgId: DEFAULT_OPTIONS.orgId }, { SILENCE_REPROMPT_SECONDS: '600' });
  const running = target;
  const batch = (calls: number): CallersStartArgs => ({
    url: running.streamUrl,
    calls,
    rampMs: calls * 10,
    phases: DEFAULT_OPTIONS.phases,
    pattern: { greetingWaitMs: 3_600_000, cycleMs: 6000, speechMs: 0 },
    customParameters: { orgId: DEFAULT_OPTIONS.orgId },
  });
  const snapshot = async (name: string, calls: number) => {
    for (let i = 0; i < 120 && (await activeCalls(running)) !== calls; i++) await sleep(500);
    await sleep(3000);
    const memory = await running.process.call<Record<string, unknown>>('memory');
    const file = await running.process.call<string>('heapSnapshot', { path: join(dir, `${name}.heapsnapshot`) }, 120_000);
    return { groups: readHeapGroups(file), memory, active: await activeCalls(running) };
  };
  await callers[0]!.call('start', batch(first), 120_000);
  const a = await snapshot(`calls-${first}`, first);
  await callers[1]!.call('start', batch(second - first), 120_000);
  const b = await snapshot(`calls-${second}`, second);
  const added = (b.active ?? second) - (a.active ?? first);
  const kb = (bytes: number) => (bytes / 1024).toFixed(2);
  process.stdout.write(`live calls ${a.active} → ${b.active}\n`);
  for (const [name, m] of [[first, a.memory], [second, b.memory]] as const) process.stdout.write(`memory at ${name} calls (KB): ${JSON.stringify(m)}\n`);
  process.stdout.write(`heap per call: ${kb((totalBytes(b.groups) - totalBytes(a.groups)) / added)} KB\n\n`);
  process.stdout.write(`${'bytes/call'.padStart(10)}  ${'objects/call'.padStart(12)}  kind\n`);
  for (const r of perCall(a.groups, b.groups, added).slice(0, Number(values.top))) {
    process.stdout.write(`${r.bytes.toFixed(0).padStart(10)}  ${r.count.toFixed(2).padStart(12)}  ${r.key}\n`);
  }
  if (values.keep) process.stdout.write(`\nsnapshots kept in ${dir}\n`);
} finally {
  await Promise.all(callers.map((c) => c.call('hangUp', undefined, 30_000).catch(() => undefined)));
  await Promise.all([...callers.map((c) => c.stop()), model.stop(), mainApp.stop(), target ? stopTarget(target) : undefined]);
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
