import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BridgeDeps } from '../bridge/deps.js';
import type { Call } from '../call/call.js';
import { acceptMediaStream } from '../http/media-stream.js';
import { refuseWhileDraining } from '../http/media-stream-route.js';
import { firstIssue } from '../lib/parse.js';
import { browserChannel } from './browser-channel.js';
import { ConsoleAuth, tokenFromBody } from './console-auth.js';
import { streamConsoleEvents } from './console-events.js';
import type { ConsoleHub } from './console-hub.js';
import { consolePage } from './console-page.js';

export const BROWSER_STREAM_PATH = '/ws/browser';
/** Longest staff note, in characters. */
export const MAX_WHISPER_CHARS = 500;

const whisperBody = z.object({
  text: z
    .string()
    .trim()
    .min(1, { error: 'text is empty' })
    .refine((text) => [...text].length <= MAX_WHISPER_CHARS, { error: `text is over ${MAX_WHISPER_CHARS} characters` }),
});

const callParams = z.object({ callSid: z.string().min(1) });

/**
 * The operator console (registered only when CONSOLE_TOKEN is set): the page, the session cookie, the live calls
 * and their events, staff actions on a call, and calls placed from the browser (`WS /ws/browser`).
 */
export async function consoleRoutes(app: FastifyInstance, { deps, hub, token }: { deps: BridgeDeps; hub: ConsoleHub; token: string }): Promise<void> {
  await app.register(cookie);
  await app.register(consolePage);
  const auth = new ConsoleAuth(token, deps.config.PUBLIC_URL);

  app.post('/console/session', async (req, reply) => {
    const given = tokenFromBody(req.body);
    if (given === undefined || !auth.isToken(given)) return unauthorized(reply);
    auth.startSession(req, reply);
    return reply.code(204).send();
  });

  const streams = new Set<() => void>();
  // Open event streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  await app.register(async (guarded) => {
    guarded.addHook('onRequest', async (req, reply) => {
      if (!auth.allows(req)) return unauthorized(reply);
    });

    guarded.get('/console/calls', async () => deps.calls.all().map((call) => call.snapshot()));

    guarded.get('/console/events', (req, reply) => {
      const end = streamConsoleEvents(req, reply, { hub, calls: deps.calls, clock: deps.watchdogClock });
      streams.add(end);
      reply.raw.on('close', () => streams.delete(end));
    });

    guarded.post('/console/calls/:callSid/whisper', async (req, reply) => {
      const call = liveCall(deps, req);
      if (!call) return noSuchCall(reply);
      const body = whisperBody.safeParse(req.body ?? {});
      if (!body.success) return reply.code(400).send({ error: firstIssue(body.error, 'body') });
      if (!call.whisper(body.data.text)) return noSuchCall(reply);
      call.log.info({ staffAction: 'whisper', chars: body.data.text.length, ip: req.ip }, 'staff action');
      return reply.code(202).send({ status: 'given to the agent' });
    });

    guarded.post('/console/calls/:callSid/take-over', async (req, reply) => {
      const call = liveCall(deps, req);
      if (!call) return noSuchCall(reply);
      if (!call.takeOver()) {
        call.log.info({ staffAction: 'take-over', refused: true, ip: req.ip }, 'staff action refused');
        return reply.code(409).send({ error: cannotTransfer(call) });
      }
      call.log.info({ staffAction: 'take-over', ip: req.ip }, 'staff action');
      return reply.code(202).send({ status: 'transferring to staff' });
    });

    guarded.get(
      BROWSER_STREAM_PATH,
      // Runs before the upgrade completes: refused requests get a plain HTTP answer and never open a model session.
      { websocket: true, preValidation: async (_req, reply) => (deps.lifecycle.draining ? refuseWhileDraining(deps, reply) : undefined) },
      (socket, req) => acceptMediaStream(socket, req, deps, browserChannel),
    );
  });
}

function liveCall(deps: BridgeDeps, req: FastifyRequest): Call | undefined {
  const params = callParams.safeParse(req.params);
  const call = params.success ? deps.calls.get(params.data.callSid) : undefined;
  return call && !call.closing ? call : undefined;
}

function cannotTransfer(call: Call): string {
  if (call.context.channel === 'browser') return 'a browser call has no phone line to transfer';
  return 'this call cannot be transferred: the org has no transfer number, or the bridge has no Twilio call control';
}

function noSuchCall(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: 'no such live call' });
}

function unauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
}
