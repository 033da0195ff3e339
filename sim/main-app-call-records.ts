import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCallRecordBody, type CallRecordBody } from '../src/main-app/call-record.js';
import { answer, drop, parseJson, readBody, Recorded, type LoggedRequest } from './main-app-http.js';

/** POST /api/realtime/call-record in the main-app stand-in: the contract body checked strictly, stored once per key (409 on repeat). */

export type CallRecordFault = '503' | '404' | 'drop' | 'hang' | 'accept-then-drop' | { refuse: string };

export interface RecordedCallRecord {
  idempotencyKey: string;
  body: CallRecordBody;
}

export type CallRecordRequestLog = LoggedRequest;

export class CallRecordRoute {
  readonly records = new Recorded<RecordedCallRecord>('call records');
  readonly requests: CallRecordRequestLog[] = [];
  readonly faults: CallRecordFault[] = [];
  /** false: the app does not take call records (404 for every request). */
  implemented = true;
  private readonly keys = new Set<string>();

  async handle(req: IncomingMessage, res: ServerResponse, log: CallRecordRequestLog): Promise<void> {
    if (!this.implemented) return answer(res, log, 404, { error: 'no such route' });
    const fault = this.faults.shift();
    if (fault === 'hang') return void (log.status = 'hung');
    if (fault === 'drop') return drop(req, log);
    if (fault === '503') return answer(res, log, 503, { error: 'service unavailable' });
    if (fault === '404') return answer(res, log, 404, { error: 'no such route' });
    const parsed = parseCallRecordBody(parseJson(await readBody(req)));
    if (!parsed.ok) return answer(res, log, 400, { error: parsed.error });
    const body = parsed.body;
    if (log.idempotencyKey !== body.idempotencyKey) return answer(res, log, 400, { error: 'Idempotency-Key header must equal body.idempotencyKey' });
    if (this.keys.has(body.idempotencyKey)) return answer(res, log, 409, { error: 'already recorded' });
    if (typeof fault === 'object') return answer(res, log, 422, { error: fault.refuse });
    this.keys.add(body.idempotencyKey);
    this.records.add({ idempotencyKey: body.idempotencyKey, body });
    if (fault === 'accept-then-drop') return drop(req, log);
    answer(res, log, 201, { ok: true });
  }
}
