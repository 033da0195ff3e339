/**
 * The HTTP side of the Realtime stand-in: OpenAI's error JSON (`{"error":{message,type,param,code}}`), bearer-key
 * checks, and `GET /v1/models/{model}` (the `Model` object of the `openai` package's models.d.ts, with
 * `shutdown_date`), with faults for start-up tests (slow, failing or never answering).
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Clock } from '../src/clock.js';
import { liveModel, modelNotFoundMessage, modelObject } from './realtime-models.js';

export interface HttpRefusal {
  status: number;
  code: string | null;
  message: string;
  type?: string;
}

export function errorJson({ code, message, type = 'invalid_request_error' }: HttpRefusal): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/** The key from `Authorization: Bearer …`, or (WebSocket handshakes only) the browser subprotocol form. */
export function bearerKey(req: IncomingMessage, subprotocolKey: boolean): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  if (!subprotocolKey) return undefined;
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return protocols.find((p) => p.startsWith('openai-insecure-api-key.'))?.slice('openai-insecure-api-key.'.length);
}

/** 401 as OpenAI answers it: no key at all (`code: null`), or a wrong one (`invalid_api_key`, the key masked). */
export function authRefusal(key: string | undefined, apiKey: string): HttpRefusal | undefined {
  if (key === apiKey) return undefined;
  if (key === undefined) {
    return {
      status: 401,
      code: null,
      message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    };
  }
  const masked = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '***';
  return { status: 401, code: 'invalid_api_key', message: `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.` };
}

/** What `GET /v1/models/{model}` does next: answer normally, after a delay, with an HTTP error, or never. */
export type ModelsFault = { delayMs: number } | { status: number } | 'stall';

export interface ModelRequestRecord {
  model: string;
  authorized: boolean;
  /** 0 while unanswered (a delay or a stall). */
  status: number;
}

export const MODELS_PATH = /^\/v1\/models\/([^/]+)$/;

export class ModelsRoute {
  readonly requests: ModelRequestRecord[] = [];
  fault: ModelsFault | undefined;

  constructor(
    private readonly apiKey: string,
    private readonly clock: Clock,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, model: string): void {
    const refusal = authRefusal(bearerKey(req, false), this.apiKey);
    const record: ModelRequestRecord = { model, authorized: refusal === undefined, status: 0 };
    this.requests.push(record);
    const answer = () => {
      record.status = this.answer(res, model, refusal);
    };
    const fault = this.fault;
    if (fault === 'stall') return;
    if (fault && 'delayMs' in fault) this.clock.setTimeout(answer, fault.delayMs);
    else if (fault && 'status' in fault) record.status = send(res, { status: fault.status, code: null, message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' });
    else answer();
  }

  private answer(res: ServerResponse, model: string, refusal: HttpRefusal | undefined): number {
    if (refusal) return send(res, refusal);
    const found = liveModel(model, this.clock.wallNow());
    if (!found) return send(res, { status: 404, code: 'model_not_found', message: modelNotFoundMessage(model, this.clock.wallNow()) });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(modelObject(found)));
    return 200;
  }
}

export function send(res: ServerResponse, refusal: HttpRefusal): number {
  if (!res.writableEnded) res.writeHead(refusal.status, STATUS_CODES[refusal.status], { 'Content-Type': 'application/json' }).end(errorJson(refusal));
  return refusal.status;
}
