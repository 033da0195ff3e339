import { startTwilioCall, type SimCall } from '../../sim/twilio-caller.js';
import type { TwilioCallOptions } from '../../sim/twilio-caller-options.js';
import { ORG_ID, startHarness, type Harness, type HarnessOptions } from './bridge-harness.js';
import { waitForCondition } from './wait.js';

export const CONSOLE_TOKEN = 'console-test-token-0123456789';
export const BEARER = { authorization: `Bearer ${CONSOLE_TOKEN}` };

/** The harness with the operator console on. */
export function startConsoleHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({ ...options, config: { CONSOLE_TOKEN, ...options.config } });
}

export function browserStreamUrl(h: Harness): string {
  return h.wsUrl.replace(/\/ws\/twilio$/, '/ws/browser');
}

/** A call placed as the console page places it (Twilio's protocol on /ws/browser), by the simulated Twilio caller. */
export function startBrowserCall(h: Harness, options: Partial<TwilioCallOptions> = {}): Promise<SimCall> {
  return startTwilioCall({ url: browserStreamUrl(h), headers: BEARER, customParameters: { orgId: ORG_ID }, ...options });
}

export function consoleFetch(h: Harness, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${h.httpUrl}${path}`, { ...init, headers: { ...BEARER, ...(init.headers as Record<string, string> | undefined) } });
}

export function postJson(h: Harness, path: string, body: unknown, headers: Record<string, string> = BEARER): Promise<Response> {
  return fetch(`${h.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface ServerSentEvent {
  event: string;
  data: Record<string, unknown>;
}

/** `GET /console/events`, read as it arrives. */
export class EventReader {
  readonly events: ServerSentEvent[] = [];
  private readonly abort = new AbortController();
  private ended = false;

  private constructor(readonly response: Response) {}

  static async open(h: Harness, headers: Record<string, string> = BEARER): Promise<EventReader> {
    const controller = new AbortController();
    const response = await fetch(`${h.httpUrl}/console/events`, { headers, signal: controller.signal });
    const reader = new EventReader(response);
    reader.abort.signal.addEventListener('abort', () => controller.abort());
    if (response.ok) void reader.read();
    return reader;
  }

  get closedByServer(): boolean {
    return this.ended;
  }

  async waitFor(match: (e: ServerSentEvent) => boolean, what: string, timeoutMs = 8000): Promise<ServerSentEvent> {
    let found: ServerSentEvent | undefined;
    await waitForCondition(() => (found = this.events.find(match)) !== undefined, timeoutMs, what);
    return found!;
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of this.response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Aborted by the test.
    }
    this.ended = true;
  }

  private parse(block: string): void {
    const fields = new Map(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
    const event = fields.get('event');
    const data = fields.get('data');
    if (event !== undefined && data !== undefined) this.events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
  }
}
