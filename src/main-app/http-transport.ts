import { request, type Dispatcher } from 'undici';

/** One HTTP exchange with the main app: a status and a capped body, or why there was none. Never throws. */
export type HttpOutcome = { ok: true; status: number; text: string } | { ok: false; reason: string };

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  headers: Record<string, string>;
  body?: string;
}

const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

export async function sendRequest(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpOutcome> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const combined = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  try {
    const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body, signal: combined, dispatcher });
    const text = await readCapped(res.body);
    return { ok: true, status: res.statusCode, text };
  } catch (err) {
    if (timeout.aborted) return { ok: false, reason: `timed out after ${req.timeoutMs} ms` };
    if (req.signal?.aborted) return { ok: false, reason: 'aborted' };
    return { ok: false, reason: `connection error: ${errorCode(err)}` };
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (err?: Error) => unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy?.();
      throw new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
    if (typeof e.cause?.code === 'string') return e.cause.code;
    if (typeof e.code === 'string') return e.code;
    if (typeof e.message === 'string') return e.message;
  }
  return String(err);
}
