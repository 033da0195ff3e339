import type { IncomingMessage, ServerResponse } from 'node:http';

/** Plumbing shared by the main-app stand-in's routes. */

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Things recorded by a route, with promises that resolve once `count` are there (rejecting after `timeoutMs`). */
export class Recorded<T> {
  private readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly what: string) {}

  add(item: T): void {
    this.items.push(item);
    for (const wake of this.waiters) wake();
  }

  all(): T[] {
    return [...this.items];
  }

  get size(): number {
    return this.items.length;
  }

  waitFor(count: number, timeoutMs = 5_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.items.length < count) return;
        cleanup();
        resolve(this.all());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`expected ${count} ${this.what}, have ${this.items.length}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** A request log entry's outcome: the status sent, or that the stand-in dropped or never answered it. */
export type RequestStatus = number | 'dropped' | 'hung';

export interface LoggedRequest {
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  status: RequestStatus;
}

export function answer(res: ServerResponse, log: LoggedRequest, status: number, body: unknown): void {
  log.status = status;
  sendJson(res, status, body);
}

export function drop(req: IncomingMessage, log: LoggedRequest): void {
  log.status = 'dropped';
  req.socket.destroy();
}
