import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../src/clock.js';
import type { SimCall } from './twilio-caller.js';
import { fakeSid } from './twilio-inbound.js';
import { notFound, twilioError, type Answer } from './twilio-rest-answers.js';
import { callResource, newCall, reachableCall, updateCall, type CallOptions, type StandInCall } from './twilio-rest-calls.js';
import { createMessage, listMessages, type MessagingRules, type StandInMessage } from './twilio-rest-messages.js';
import { createRecording } from './twilio-rest-recordings.js';
import { Waiters } from './twilio-waiters.js';

export type { CallOptions, StandInCall } from './twilio-rest-calls.js';
export type { MessagingRules, StandInMessage } from './twilio-rest-messages.js';
export type { StandInRecording } from './twilio-rest-recordings.js';

/**
 * Stand-in for the Twilio REST API (US1, `api.twilio.com`) with a form body and HTTP Basic `AccountSid:AuthToken`:
 * call updates (`…/Calls/{CallSid}.json`, twilio-rest-calls.ts), messages (`…/Messages.json`: create and list,
 * twilio-rest-messages.ts) and call recordings (`…/Calls/{CallSid}/Recordings.json`, twilio-rest-recordings.ts). Every request is recorded in
 * arrival order, and `failNext` faults apply to every route.
 */
export interface RestRequestRecord {
  seq: number;
  at: number;
  method: string;
  path: string;
  /** Which resource the path names (undefined for a path no route knows). */
  resource: 'call' | 'recording' | 'message' | undefined;
  callSid: string | undefined;
  /** The form body (the query string of a GET); a repeated name keeps its last value. */
  params: Record<string, string>;
  authorized: boolean;
  /** HTTP status answered; 0 when a `stall` fault left the request unanswered. */
  status: number;
  twilioCode: number | undefined;
}

export interface TwilioRestStandInOptions extends MessagingRules {
  accountSid?: string;
  authToken?: string;
  clock?: Clock;
  /** Called for each message Twilio accepted, as it is accepted. */
  onMessage?: (message: StandInMessage) => void;
}

/**
 * A fault for the next request: an answer with `status` (default 500) instead of the real one, or none at all
 * (`stall`). With `handled`, the request still takes effect first (a message is created, a call updated) and only
 * its answer is lost, as when Twilio fails after doing the work.
 */
export interface RestFault {
  status?: number;
  stall?: boolean;
  handled?: boolean;
}

export interface TwilioRestStandIn {
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Every request, in arrival order, including refused ones. */
  readonly requests: readonly RestRequestRecord[];
  /** Messages accepted, oldest first. */
  readonly messages: readonly StandInMessage[];
  /** A live call; with `region` other than `us1` it is out of reach of this host (404 / 20404). */
  addCall(callSid: string, options?: CallOptions): StandInCall;
  /** Registers a live simulated call; an update ends its stream, and its hang-up or a bridge close ends the call. */
  attach(call: SimCall, options?: CallOptions): StandInCall;
  call(callSid: string): StandInCall | undefined;
  /** The next `count` requests (any route) get the fault (default: 500, not handled). */
  failNext(count: number, fault?: RestFault): void;
  /** The first recorded request matching `predicate` (earlier ones included), waiting for it if needed. */
  waitForRequest(predicate?: (r: RestRequestRecord) => boolean, timeoutMs?: number): Promise<RestRequestRecord>;
  close(): Promise<void>;
}

const ACCOUNT = '/2010-04-01/Accounts/([^/]+)';
const ROUTES = [
  { resource: 'call', pattern: new RegExp(`^${ACCOUNT}/Calls/([^/]+)\\.json$`) },
  { resource: 'recording', pattern: new RegExp(`^${ACCOUNT}/Calls/([^/]+)/Recordings\\.json$`) },
  { resource: 'message', pattern: new RegExp(`^${ACCOUNT}/Messages\\.json$`) },
] as const;
const MAX_BODY_BYTES = 64 * 1024;

interface Routed {
  resource: RestRequestRecord['resource'];
  accountSid: string | undefined;
  callSid: string | undefined;
}

/** A request as read: its route, its form (or query) and whether its credentials are the account's. */
interface Seen {
  req: IncomingMessage;
  path: string;
  routed: Routed;
  form: URLSearchParams;
  authorized: boolean;
}

function route(path: string): Routed {
  for (const { resource, pattern } of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { resource, accountSid: decodeURIComponent(match[1]!), callSid: match[2] === undefined ? undefined : decodeURIComponent(match[2]) };
  }
  return { resource: undefined, accountSid: undefined, callSid: undefined };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isAuthorized(header: string | undefined, accountSid: string, authToken: string): boolean {
  if (!header?.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${accountSid}:${authToken}`;
}

export async function startTwilioRestServer(options: TwilioRestStandInOptions = {}): Promise<TwilioRestStandIn> {
  const accountSid = options.accountSid ?? fakeSid('AC');
  const authToken = options.authToken ?? 'test_auth_token';
  const clock = options.clock ?? systemClock;
  const calls = new Map<string, StandInCall>();
  const requests: RestRequestRecord[] = [];
  const messages: StandInMessage[] = [];
  const waiters = new Waiters();
  const faults: Required<RestFault>[] = [];

  function addCall(callSid: string, callOptions: CallOptions = {}): StandInCall {
    const call = newCall(callSid, callOptions, clock.wallNow());
    calls.set(callSid, call);
    return call;
  }

  function attach(sim: SimCall, callOptions: CallOptions = {}): StandInCall {
    const call = addCall(sim.callSid, callOptions);
    call.attached = sim;
    // A stream that ends without a REST update means the call is over (no TwiML follows the <Connect> here).
    void sim.closed.then((info) => {
      if (info.by !== 'twilio') call.status = 'completed';
    });
    return call;
  }

  const messaging = { accountSid, clock, phoneNumbers: options.phoneNumbers, unsubscribed: options.unsubscribed, landlines: options.landlines };

  function answerFor({ req, path, routed, form, authorized }: Seen): Answer {
    if (!routed.resource) return notFound(path);
    const listing = req.method === 'GET' && routed.resource === 'message';
    if (req.method !== 'POST' && !listing) return twilioError(405, 20004, 'Method not allowed');
    if (!authorized || routed.accountSid !== accountSid) return twilioError(401, 20003, 'Authenticate');
    if (listing) return listMessages(form, messaging, messages);
    const params = Object.fromEntries(form);
    if (routed.resource === 'message') return createAndTell(params);
    const call = reachableCall(calls.get(routed.callSid!), path);
    if (!('callSid' in call)) return call;
    if (routed.resource === 'recording') return createRecording(call, form, accountSid, clock);
    return updateCall(call, params) ?? callResource(call, accountSid, clock);
  }

  function createAndTell(params: Record<string, string>): Answer {
    const answer = createMessage(params, messaging, messages);
    if (answer.status === 201) options.onMessage?.(messages.at(-1)!);
    return answer;
  }

  /** The answer to send, or undefined for a stalled request. */
  function respond(seen: Seen, bodyRead: boolean, fault: Required<RestFault> | undefined): Answer | undefined {
    if (!bodyRead) return twilioError(413, 20413, 'Request entity too large');
    const real = !fault || fault.handled ? answerFor(seen) : undefined;
    if (fault?.stall) return undefined;
    return fault ? twilioError(fault.status, 20000 + fault.status, 'Service temporarily unavailable') : real;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const body = await readBody(req);
    const seen: Seen = {
      req,
      path,
      routed: route(path),
      form: new URLSearchParams(req.method === 'GET' ? query : (body ?? '')),
      authorized: isAuthorized(req.headers.authorization, accountSid, authToken),
    };
    const answer = respond(seen, body !== undefined, faults.shift());
    record(seen, answer ?? { status: 0, body: {} });
    if (!answer) return;
    if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  function record({ req, path, routed, form, authorized }: Seen, answer: Answer): void {
    requests.push({
      seq: requests.length + 1,
      at: clock.now(),
      method: req.method ?? '',
      path,
      resource: routed.resource,
      callSid: routed.callSid,
      params: Object.fromEntries(form),
      authorized,
      status: answer.status,
      twilioCode: typeof answer.body.code === 'number' ? answer.body.code : undefined,
    });
    waiters.check();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    messages,
    addCall,
    attach,
    call: (callSid) => calls.get(callSid),
    failNext(count, fault = {}) {
      for (let i = 0; i < count; i++) faults.push({ status: fault.status ?? 500, stall: fault.stall ?? false, handled: fault.handled ?? false });
    },
    waitForRequest(predicate = () => true, timeoutMs = 5000) {
      return waiters.waitFor(() => requests.find(predicate), timeoutMs, 'a REST request');
    },
    close() {
      waiters.finish('the REST stand-in closed');
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
