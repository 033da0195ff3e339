/**
 * TwiML builders (Twilio's TwiML docs for `<Connect><Stream>`, `<Say>`, `<Dial>`). Every interpolated value is XML-escaped; invalid input throws a
 * TwimlError whose message says what is wrong, before anything reaches Twilio.
 */

/** Twilio's limit on `name` + `value` of one `<Parameter>` ("must be under 500 characters"). */
export const MAX_PARAMETER_CHARS = 500;
/** Twilio's limit on the `Twiml` field of a REST call update (error 32018). */
export const MAX_REST_TWIML_CHARS = 4000;
/** Twilio's limit on a TwiML webhook response body (error 11750). */
export const MAX_WEBHOOK_TWIML_BYTES = 64 * 1024;
export const DEFAULT_DIAL_TIMEOUT_SECONDS = 20;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const E164 = /^\+[1-9]\d{1,14}$/;
// Characters XML 1.0 forbids outright; left in, they make Twilio reject the whole document.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export class TwimlError extends Error {
  override name = 'TwimlError';
  constructor(
    message: string,
    /** The Twilio error code this input would have drawn, when there is one. */
    readonly twilioCode?: number,
  ) {
    super(message);
  }
}

export interface SayOptions {
  /** e.g. `en-US`. */
  language?: string;
  /** e.g. `Polly.Joanna`. */
  voice?: string;
}

export interface ConnectStreamOptions {
  /** Absolute `wss://` (or `ws://` for local tests) URL without a query string. */
  streamUrl: string;
  /** Sent as `<Parameter>`s; they arrive as `start.customParameters`. */
  parameters: Record<string, string>;
  /** Absolute http(s) URL for `stream-started` / `stream-stopped` / `stream-error` events. */
  statusCallbackUrl?: string;
  /** Spoken, then hang up, if the server closes the WebSocket (Twilio runs the next verb). */
  afterStream?: SayOptions & { say: string };
}

export interface TransferOptions {
  /** Said before dialling, e.g. "Connecting you now." */
  announcement?: string;
  /** Said if the dial ends without a connection (no answer, busy) or the far end hangs up. */
  fallback?: string;
  timeoutSeconds?: number;
  language?: string;
  voice?: string;
}

/** Escapes `& < > " '` and drops characters XML 1.0 does not allow. */
export function escapeXml(value: string): string {
  return value.replace(XML_FORBIDDEN, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** The webhook answer that connects the call to our media-stream WebSocket. */
export function connectStreamTwiml(options: ConnectStreamOptions): string {
  assertStreamUrl(options.streamUrl);
  const statusCallback =
    options.statusCallbackUrl === undefined
      ? ''
      : ` statusCallback="${escapeXml(assertHttpUrl(options.statusCallbackUrl, 'statusCallbackUrl'))}"`;
  const parameters = Object.entries(options.parameters).map(([name, value]) => parameterElement(name, value));
  const after = options.afterStream ? sayElement(options.afterStream.say, options.afterStream) + '<Hangup/>' : '';
  const stream = `<Stream url="${escapeXml(options.streamUrl)}"${statusCallback}>${parameters.join('')}</Stream>`;
  return webhookDocument(`<Connect>${stream}</Connect>${after}`);
}

/** Say something, then hang up: the apology, busy and goodbye answers. */
export function sayAndHangupTwiml(text: string, options: SayOptions = {}): string {
  return webhookDocument(sayElement(text, options) + '<Hangup/>');
}

/**
 * TwiML for a REST call update that transfers the caller:
 * `<Response><Say>…</Say><Dial timeout="20">+1…</Dial><Say>fallback</Say></Response>`.
 * Without a `<Dial action>` Twilio runs the fallback `<Say>` after the dial ends (Twilio's `<Dial>` docs).
 */
export function transferTwiml(number: string, options: TransferOptions = {}): string {
  if (!E164.test(number)) throw new TwimlError(`transfer number must be E.164 (e.g. +15551234567), got ${JSON.stringify(number)}`);
  const timeout = options.timeoutSeconds ?? DEFAULT_DIAL_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 600) {
    throw new TwimlError(`dial timeout must be a whole number of seconds from 5 to 600, got ${timeout}`);
  }
  const say = { language: options.language, voice: options.voice };
  const announcement = options.announcement === undefined ? '' : sayElement(options.announcement, say);
  const fallback = options.fallback === undefined ? '' : sayElement(options.fallback, say);
  const twiml = `<Response>${announcement}<Dial timeout="${timeout}">${escapeXml(number)}</Dial>${fallback}</Response>`;
  return assertFitsRestUpdate(twiml);
}

/** Throws (code 32018) if the TwiML is too long for the `Twiml` field of a REST call update; returns it otherwise. */
export function assertFitsRestUpdate(twiml: string): string {
  if (twiml.length > MAX_REST_TWIML_CHARS) {
    throw new TwimlError(`TwiML for a REST call update is ${twiml.length} characters; Twilio allows ${MAX_REST_TWIML_CHARS}`, 32018);
  }
  return twiml;
}

function webhookDocument(body: string): string {
  const document = `${XML_DECLARATION}<Response>${body}</Response>`;
  const bytes = Buffer.byteLength(document, 'utf8');
  if (bytes > MAX_WEBHOOK_TWIML_BYTES) {
    throw new TwimlError(`TwiML response is ${bytes} bytes; Twilio allows ${MAX_WEBHOOK_TWIML_BYTES}`, 11750);
  }
  return document;
}

function sayElement(text: string, options: SayOptions): string {
  if (text.trim() === '') throw new TwimlError('<Say> text must not be empty');
  const language = options.language === undefined ? '' : ` language="${escapeXml(options.language)}"`;
  const voice = options.voice === undefined ? '' : ` voice="${escapeXml(options.voice)}"`;
  return `<Say${language}${voice}>${escapeXml(text)}</Say>`;
}

function parameterElement(name: string, value: string): string {
  if (name === '') throw new TwimlError('<Parameter> name must not be empty');
  const combined = name.length + value.length;
  if (combined >= MAX_PARAMETER_CHARS) {
    throw new TwimlError(`<Parameter> "${name}": name + value is ${combined} characters; Twilio requires under ${MAX_PARAMETER_CHARS}`);
  }
  return `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
}

function assertStreamUrl(raw: string): void {
  // Checked on the raw string: `new URL('wss://h/p?')` reports an empty search, but Twilio would still see the `?`.
  if (raw.includes('?')) {
    throw new TwimlError(`<Stream url> must not have a query string (Twilio drops it, error 31920); pass data as <Parameter>: ${raw}`, 31920);
  }
  const url = parseUrl(raw, 'streamUrl');
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new TwimlError(`<Stream url> must be a wss:// URL (ws:// only for local tests), got ${url.protocol}//`);
  }
  if (raw.includes('#')) throw new TwimlError(`<Stream url> must not have a fragment: ${raw}`);
}

function assertHttpUrl(raw: string, what: string): string {
  const url = parseUrl(raw, what);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TwimlError(`${what} must be an absolute http(s) URL, got ${url.protocol}//`);
  }
  return raw;
}

function parseUrl(raw: string, what: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new TwimlError(`${what} is not an absolute URL: ${JSON.stringify(raw)}`);
  }
}
