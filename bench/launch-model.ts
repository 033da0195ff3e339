/**
 * The OpenAI Realtime stand-in (`sim/realtime-server.ts`) in its own process, driven over IPC, with the
 * benchmark's probe on every session. The stand-in answers each caller turn (server VAD) and greets on request.
 */
import { say, startRealtimeSim, type RealtimeSim, type Responder } from '../sim/realtime-server.js';
import { serveRpc } from './ipc.js';
import { LoopDelayMonitor } from './loop-delay.js';
import { ModelProbe } from './model-probe.js';

export interface ModelStartArgs {
  apiKey: string;
  greetingMs: number;
  replyMs: number;
  /** The stand-in's own think time before a response's first audio. */
  thinkMs: number;
}

const probe = new ModelProbe();
const loop = new LoopDelayMonitor();
let sim: RealtimeSim | undefined;

serveRpc({
  start: async (args: ModelStartArgs) => {
    const responder: Responder = (ctx) =>
      ctx.trigger === 'vad' ? [say('Sure, one large margherita. Anything else?', args.replyMs)] : [say('Thanks for calling, what can I get you?', args.greetingMs)];
    sim ??= await startRealtimeSim({
      apiKey: args.apiKey,
      responder,
      responseLatencyMs: args.thinkMs,
      recordSentEvents: false,
      retainClosedSessions: false,
      onSession: (session) => probe.attach(session),
    });
    return { url: sim.url };
  },
  /** Opens or closes the measured window; closing returns this process's event-loop delay over it. */
  measure: ({ on }: { on: boolean }) => {
    probe.measuring = on;
    if (!on) return loop.read();
    probe.latency.reset();
    loop.reset();
    return undefined;
  },
  report: () => ({ ...probe.report(), openSessions: sim?.openSessions ?? 0 }),
});
