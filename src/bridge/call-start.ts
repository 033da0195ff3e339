import { Call } from '../call/call.js';
import type { CallContext, CallLine, CallSettings } from '../call/call-types.js';
import { modelForOrg, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { CallMetricsObserver } from '../ops/call-metrics-observer.js';
import { CallReport } from '../ops/call-report.js';
import { realtimeRates, transcriptionUsdPerMinute } from '../ops/prices.js';
import { orgLanguage } from '../phrases/phrases.js';
import { endedCallRecord } from './call-record-body.js';
import { composeObservers } from './call-observers.js';
import type { BridgeDeps } from './deps.js';

/** Replace the model session this long into a call, at a turn boundary, well before the 60-minute expiry. */
export const RECYCLE_AFTER_MS = 50 * 60_000;

/** The per-call settings that come from configuration. */
export function callSettings(config: Config): Partial<CallSettings> {
  return {
    timers: {
      silenceRepromptMs: config.SILENCE_REPROMPT_SECONDS * 1000,
      maxReprompts: config.SILENCE_MAX_REPROMPTS,
      maxCallMs: config.MAX_CALL_SECONDS * 1000,
      wrapUpWarningMs: config.WRAP_UP_WARNING_SECONDS * 1000,
    },
    recycleAfterMs: RECYCLE_AFTER_MS,
  };
}

/**
 * Starts the call once its stream passed every check: claims the pre-warmed model session (or opens one), feeds
 * metrics and the call record (and the operator console, when on) from the call's observer and ordering events;
 * when it ends, logs the record (`call record`) and sends it to the app (with the model's summary, written after
 * the call).
 */
export function startCall(context: CallContext, line: CallLine, deps: BridgeDeps, log: Logger): Call {
  const model = modelForOrg(deps.config, context.orgId);
  const observer = new CallMetricsObserver(
    deps.metrics,
    new CallReport({
      callSid: context.callSid,
      channel: context.channel ?? 'phone',
      streamSid: context.streamSid,
      orgId: context.orgId,
      model,
      startedAtMs: deps.clock.now(),
      rates: realtimeRates(model),
      transcriptionUsdPerMinute: transcriptionUsdPerMinute(deps.config.OPENAI_TRANSCRIPTION_MODEL),
    }),
  );
  const warm = deps.prewarm.claim(context.callSid);
  const startedAt = deps.clock.wallNow();
  const consoleFeed = deps.console?.feed(context.callSid);
  const call = new Call({
    context,
    line,
    setup: deps.setup.setupFor(context, log, warm, consoleFeed?.ordering),
    clock: deps.clock,
    logger: log,
    settings: callSettings(deps.config),
    observer: composeObservers(observer, consoleFeed?.observer),
  });
  deps.calls.add(call);
  deps.metrics.activeCalls.set(deps.calls.size);
  consoleFeed?.started(call.snapshot());
  void call.whenEnded().then((reason) => {
    deps.calls.remove(call);
    deps.metrics.activeCalls.set(deps.calls.size);
    // callSid, streamSid and orgId are already on every line of this call's logger.
    const report = observer.finish(reason, deps.clock.now());
    const { callSid: _callSid, streamSid: _streamSid, orgId: _orgId, ...record } = report;
    log.info(record, 'call record');
    // Calls placed from the operator console are staff trying the agent, not the restaurant's calls.
    if (context.channel === 'browser') return;
    const endedAt = deps.clock.wallNow();
    const org = deps.orgs.peek?.(context.orgId);
    const language = org ? orgLanguage(org) : (context.language ?? 'en');
    deps.records?.add(call.afterCall().then((after) => endedCallRecord({ context, startedAt, endedAt, language, report, after })));
  });
  log.info({ prewarmed: warm !== undefined }, 'call stream started');
  return call;
}
