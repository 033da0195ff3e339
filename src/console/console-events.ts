import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock, TimerHandle } from '../clock.js';
import type { CallRegistry } from '../ops/call-registry.js';
import type { ConsoleEvent, ConsoleHub } from './console-hub.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
export const KEEP_ALIVE_MS = 15_000;
/** How long a page's EventSource waits before reconnecting. */
export const RECONNECT_MS = 2000;
/** A page that stops reading is cut once this much waits unsent (its EventSource reconnects and starts afresh). */
export const MAX_UNSENT_BYTES = 1024 * 1024;

export interface EventStreamDeps {
  hub: ConsoleHub;
  calls: CallRegistry;
  clock: Clock;
}

/** One server-sent event, as the WHATWG HTML standard's "Server-sent events" section defines the format. */
export function formatEvent({ event, data }: ConsoleEvent): string {
  // JSON.stringify escapes line breaks inside strings, so the data is one line.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * `GET /console/events`: first a `call.started` with the snapshot of each live call (so a page that connects or
 * reconnects starts from the truth), then every event as it happens, in the order the hub hears them.
 * Returns the function that ends the stream (used when the server closes).
 */
export function streamConsoleEvents(req: FastifyRequest, reply: FastifyReply, deps: EventStreamDeps): () => void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let keepAlive: TimerHandle | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    deps.clock.clearTimeout(keepAlive);
    res.end();
  };
  const write = (text: string) => {
    if (ended) return;
    if (res.writableLength > MAX_UNSENT_BYTES) {
      req.log.warn({ unsentBytes: res.writableLength }, 'console page not reading its events; cut');
      end();
      res.destroy();
      return;
    }
    res.write(text);
  };
  // Also sends the headers now, so the page knows it is connected even when nothing is happening.
  res.write(`retry: ${RECONNECT_MS}\n\n`);
  const unsubscribe = deps.hub.subscribe((event) => write(formatEvent(event)));
  for (const call of deps.calls.all()) write(formatEvent({ event: 'call.started', data: call.snapshot() }));
  const beat = () => {
    if (ended) return;
    write(': keep-alive\n\n');
    keepAlive = deps.clock.setTimeout(beat, KEEP_ALIVE_MS);
  };
  keepAlive = deps.clock.setTimeout(beat, KEEP_ALIVE_MS);
  res.on('close', end);
  return end;
}
