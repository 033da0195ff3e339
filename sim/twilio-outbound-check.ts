/**
 * Checks a message the bridge sent to "Twilio" the way Twilio does (Twilio's Media Streams messages page and errors 31924, 31950, 31951): text frames only,
 * JSON, one of `media` / `mark` / `clear`, exactly the documented fields, and the stream's own `streamSid`.
 * The docs overlap on 31924 vs 31951; here bad JSON, unknown events and audio with a file header draw 31924,
 * missing/unexpected fields, wrong types and a wrong streamSid draw 31951, binary frames draw 31950.
 */
export type ViolationCode = 31924 | 31950 | 31951;

export interface Violation {
  code: ViolationCode;
  reason: string;
  at: number;
}

export type OutboundMessage =
  | { event: 'media'; payload: string }
  | { event: 'mark'; name: string }
  | { event: 'clear' };

export type CheckResult = { ok: true; message: OutboundMessage } | { ok: false; code: ViolationCode; reason: string };

const FIELDS: Record<string, readonly string[]> = {
  media: ['event', 'streamSid', 'media'],
  mark: ['event', 'streamSid', 'mark'],
  clear: ['event', 'streamSid'],
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FILE_HEADERS = ['RIFF', 'OggS', 'ID3', 'fLaC'];

function fail(code: ViolationCode, reason: string): CheckResult {
  return { ok: false, code, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldMismatch(obj: Record<string, unknown>, expected: readonly string[]): string | undefined {
  const keys = Object.keys(obj);
  const extra = keys.filter((k) => !expected.includes(k));
  if (extra.length > 0) return `unexpected field(s) ${extra.join(', ')}`;
  const missing = expected.filter((k) => !(k in obj));
  if (missing.length > 0) return `missing field(s) ${missing.join(', ')}`;
  return undefined;
}

function checkPayload(payload: unknown): CheckResult | undefined {
  if (typeof payload !== 'string') return fail(31951, 'media.payload must be a string');
  if (payload.length % 4 !== 0 || !BASE64.test(payload)) return fail(31951, 'media.payload is not base64');
  const head = Buffer.from(payload.slice(0, 8), 'base64').toString('latin1');
  if (FILE_HEADERS.some((h) => head.startsWith(h))) return fail(31924, 'media.payload carries a file header, not raw μ-law');
  return undefined;
}

export function checkOutboundText(text: string, streamSid: string): CheckResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(31924, 'malformed JSON');
  }
  if (!isRecord(parsed)) return fail(31951, 'message is not a JSON object');
  const event = parsed.event;
  if (typeof event !== 'string' || !(event in FIELDS)) return fail(31924, `unsupported event ${JSON.stringify(event)}`);
  const mismatch = fieldMismatch(parsed, FIELDS[event]!);
  if (mismatch) return fail(31951, `${event}: ${mismatch}`);
  if (parsed.streamSid !== streamSid) return fail(31951, `${event}: streamSid does not match the stream`);

  if (event === 'clear') return { ok: true, message: { event: 'clear' } };
  const body = parsed[event];
  if (!isRecord(body)) return fail(31951, `${event}.${event} must be an object`);
  if (event === 'media') {
    const bodyMismatch = fieldMismatch(body, ['payload']);
    if (bodyMismatch) return fail(31951, `media.media: ${bodyMismatch}`);
    const payloadProblem = checkPayload(body.payload);
    if (payloadProblem) return payloadProblem;
    return { ok: true, message: { event: 'media', payload: body.payload as string } };
  }
  const bodyMismatch = fieldMismatch(body, ['name']);
  if (bodyMismatch) return fail(31951, `mark.mark: ${bodyMismatch}`);
  if (typeof body.name !== 'string') return fail(31951, 'mark.mark.name must be a string');
  return { ok: true, message: { event: 'mark', name: body.name } };
}
