import type { WebSocket } from 'ws';
import { CallReport } from '../ops/call-report.js';
import { CallSession, type CallContext } from '../call/call-session.js';
import { callSessionSettings } from '../call/call-settings.js';
import type { Logger } from '../logger.js';
import { boundedTwilioPort } from '../ops/bounded-twilio-port.js';
import { CallMetricsObserver } from '../ops/call-metrics-observer.js';
import type { AppDeps } from './deps.js';

/**
 * Starts the call once its stream passed every check: claims the pre-warmed model session (or opens one), feeds
 * metrics and the call record from the session's observer, and logs the record (`call record`) when it ends.
 */
export function startSession(context: CallContext, socket: WebSocket, deps: AppDeps, log: Logger): CallSession {
  const observer = new CallMetricsObserver(
    deps.metrics,
    new CallReport({
      callSid: context.callSid,
      streamSid: context.streamSid,
      orgId: context.orgId,
      model: deps.config.OPENAI_REALTIME_MODEL,
      startedAtMs: deps.clock.now(),
    }),
  );
  const warm = deps.prewarm.claim(context.callSid);
  const session = new CallSession({
    context,
    twilio: boundedTwilioPort(socket, log, deps.maxTwilioBufferedBytes),
    setup: deps.setup.setupFor(context, log, warm),
    clock: deps.clock,
    logger: log,
    control: deps.control,
    ...callSessionSettings(deps.config),
    observer,
    onEnded: (_ended, reason) => {
      deps.calls.remove(session);
      deps.metrics.activeCalls.set(deps.calls.size);
      // callSid, streamSid and orgId are already on every line of this call's logger.
      const { callSid: _callSid, streamSid: _streamSid, orgId: _orgId, ...record } = observer.finish(reason, deps.clock.now());
      log.info(record, 'call record');
    },
  });
  deps.calls.add(session);
  deps.metrics.activeCalls.set(deps.calls.size);
  log.info({ prewarmed: warm !== undefined }, 'call stream started');
  return session;
}
