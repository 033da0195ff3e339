import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../src/clock.js';
import type { SimCall } from './twilio-caller.js';
import { fakeSid } from './twilio-inbound.js';
import { Waiters } from './twilio-waiters.js';

/**
 * Stand-in for Twilio's REST call update (protocols.md §A9): `POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json`
 * with a form body and HTTP Basic `AccountSid:AuthToken`. `Status=completed` hangs up, `Twiml=` replaces the running
 * TwiML (max 4000 characters, else 32018); either one ends an attached call's media stream the way Twilio does.
 * Unknown or finished calls get 404 / 20404. Every request is recorded in arrival order.
 */
export interface RestRequestRecord {
  seq: number;
  at: number;
  method: string;
  path: string;
  callSid: string | undefined;
  params: Record<string, string>;
  authorized: boolean;
  /** HTTP status answered; 0 when a `stall` fault left the request unanswered. */
  status: number;
  twilioCode: number | undefined;
}

export interface StandInCall {
  callSid: string;
  status: 'in-progress' | 'completed';
  /** TwiML installed by REST updates, oldest first (e.g. a `<Dial>` for a transfer). */
  twimlUpdates: string[];
  attached: SimCall | undefined;
}

export interface TwilioRestStandInOptions {
  accountSid?: string;
  authToken?: string;
  clock?: Clock;
}

export interface TwilioRestStandIn {
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Every request, in arrival order, including refused ones. */
  readonly requests: readonly RestRequestRecord[];
  addCall(callSid: string): StandInCall;
  /** Registers a live simulated call; an update ends its stream, and its hang-up or a bridge close ends the call. */
  attach(call: SimCall): StandInCall;
  call(callSid: string): StandInCall | undefined;
  /** The next `count` requests get `status` (default 500); with `stall`, they get no answer at all. */
  failNext(count: number, fault?: { status?: number; stall?: boolean }): void;
  /** The first recorded request matching `predicate` (earlier ones included), waiting for it if needed. */
  waitForRequest(predicate?: (r: RestRequestRecord) => boolean, timeoutMs?: number): Promise<RestRequestRecord>;
  close(): Promise<void>;
}

const CALL_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/;
const MAX_TWIML_CHARS = 4000;
const MAX_BODY_BYTES = 64 * 1024;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function twilioError(status: number, code: number, message: string): Answer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function notFound(path: string): Answer {
  return twilioError(404, 20404, `The requested resource ${path} was not found`);
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
  const waiters = new Waiters();
  const faults: { status: number; stall: boolean }[] = [];

  function addCall(callSid: string): StandInCall {
    const call: StandInCall = { callSid, status: 'in-progress', twimlUpdates: [], attached: undefined };
    calls.set(callSid, call);
    return call;
  }

  function attach(sim: SimCall): StandInCall {
    const call = addCall(sim.callSid);
    call.attached = sim;
    // A stream that ends without a REST update means the call is over (no TwiML follows the <Connect> here).
    void sim.closed.then((info) => {
      if (info.by !== 'twilio') call.status = 'completed';
    });
    return call;
  }

  function update(call: StandInCall, params: Record<string, string>): Answer | undefined {
    if (params.Twiml !== undefined && params.Twiml.length > MAX_TWIML_CHARS) {
      return twilioError(400, 32018, `Twiml is ${params.Twiml.length} characters long; the maximum is ${MAX_TWIML_CHARS}`);
    }
    if (params.Status === 'completed') {
      call.status = 'completed';
      void call.attached?.endByTwilio();
    } else if (params.Status !== undefined && params.Status !== 'canceled') {
      return twilioError(400, 20001, `Invalid Status: ${params.Status}`);
    } else if (params.Twiml !== undefined) {
      call.twimlUpdates.push(params.Twiml);
      void call.attached?.endByTwilio();
    }
    return undefined;
  }

  function callResource(call: StandInCall, path: string): Answer {
    return {
      status: 200,
      body: {
        sid: call.callSid,
        account_sid: accountSid,
        status: call.status,
        direction: 'inbound',
        api_version: '2010-04-01',
        date_updated: clock.wallNow().toUTCString().replace('GMT', '+0000'),
        uri: path,
      },
    };
  }

  function answerFor(req: IncomingMessage, path: string, match: RegExpExecArray | null, params: Record<string, string>, authorized: boolean): Answer {
    if (!match) return notFound(path);
    if (req.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
    if (!authorized || match[1] !== accountSid) return twilioError(401, 20003, 'Authenticate');
    const call = calls.get(decodeURIComponent(match[2]!));
    if (!call || call.status === 'completed') return notFound(path);
    return update(call, params) ?? callResource(call, path);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const match = CALL_PATH.exec(path);
    const body = await readBody(req);
    const params = Object.fromEntries(new URLSearchParams(body ?? ''));
    const authorized = isAuthorized(req.headers.authorization, accountSid, authToken);
    const fault = faults.shift();
    if (fault?.stall) return record(req, path, match, params, authorized, { status: 0, body: {} });
    const answer =
      body === undefined
        ? twilioError(413, 20413, 'Request entity too large')
        : fault
          ? twilioError(fault.status, 20000 + fault.status, 'Service temporarily unavailable')
          : answerFor(req, path, match, params, authorized);
    record(req, path, match, params, authorized, answer);
    if (answer.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  function record(req: IncomingMessage, path: string, match: RegExpExecArray | null, params: Record<string, string>, authorized: boolean, answer: Answer): void {
    requests.push({
      seq: requests.length + 1,
      at: clock.now(),
      method: req.method ?? '',
      path,
      callSid: match ? decodeURIComponent(match[2]!) : undefined,
      params,
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
    addCall,
    attach,
    call: (callSid) => calls.get(callSid),
    failNext(count, fault = {}) {
      for (let i = 0; i < count; i++) faults.push({ status: fault.status ?? 500, stall: fault.stall ?? false });
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
