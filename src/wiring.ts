import { join } from 'node:path';
import { appClientFromConfig, type AppClient } from './main-app/app-client.js';
import { createCallRecordSender } from './main-app/call-record-sender.js';
import { createOrderSubmitter, type OrderSubmitter } from './main-app/order-submitter.js';
import { createOrgConfigCache } from './main-app/org-config-cache.js';
import type { OrgConfig } from './main-app/org-config.js';
import { Outbox } from './main-app/outbox.js';
import { RestCallControl } from './twilio/call-control.js';
import type { OrgBehaviour } from './bridge/call-setup.js';
import { callToolDefinitions } from './call/call-tools.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { defaultCartLimits } from './ordering/cart.js';
import { callContextNote, sessionInstructions } from './ordering/call-instructions.js';
import { greetingInstructions } from './ordering/instructions.js';
import { recordingNotice } from './phrases/phrases.js';
import { buildToolDefinitions } from './ordering/tool-definitions.js';
import { withOrderingEvents } from './ordering/ordering-events.js';
import { createOrderingTools } from './ordering/tools.js';
import type { ServerDeps } from './server.js';
import { checkModelRetirement, type ModelRetirement } from './realtime/model-retirement.js';
import { createTwilioRestClient, twilioApiBaseUrl } from './twilio/rest-client.js';
import { createMetrics } from './metrics.js';
import { combinedBacklog } from './ops/drain.js';
import type { RetryPolicy } from './main-app/retry-policy.js';
import { withOrderTexts } from './sms/order-texts.js';
import { createSmsSender, type SmsSender } from './sms/sms-sender.js';

export interface Runtime {
  serverDeps: ServerDeps;
  appClient: AppClient;
  submitter: OrderSubmitter;
  /** SMS order confirmations; only with Twilio credentials. */
  sms: SmsSender | undefined;
  /** The start-up check of the models' shutdown dates (in the background; it never rejects). */
  modelCheck: Promise<ModelRetirement[]>;
  /** Stops background work (redelivery timers, keep-alive sockets); pending orders stay in the outbox. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** Backoff between attempts of an SMS confirmation (default: the order outbox's redelivery backoff). */
  smsRetry?: RetryPolicy;
}

/** Every Realtime and transcription model this configuration can use. */
function modelsInUse(config: Config): string[] {
  return [config.OPENAI_REALTIME_MODEL, ...(config.OPENAI_MODEL_BY_ORG?.values() ?? []), config.OPENAI_TRANSCRIPTION_MODEL];
}

/** Builds the production collaborators from the config: main-app client and cache, orders, Twilio REST, ordering. */
export async function createRuntime(config: Config, logger: Logger, clock: Clock, options: RuntimeOptions = {}): Promise<Runtime> {
  const metrics = createMetrics();
  const appClient = appClientFromConfig(config, logger);
  const orgs = createOrgConfigCache({ client: appClient, clock, logger });
  const outbox = new Outbox(join(config.DATA_DIR, 'outbox'), logger);
  const submitter = createOrderSubmitter({ client: appClient, outbox, clock, logger });
  const recovered = await submitter.start();
  if (recovered > 0) logger.warn({ orders: recovered }, 'orders from a previous run found in the outbox; delivering them');
  const records = createCallRecordSender({ client: appClient, outbox, clock, logger });
  const recoveredRecords = await records.start();
  if (recoveredRecords > 0) logger.warn({ records: recoveredRecords }, 'call records from a previous run found in the outbox; delivering them');
  const rest =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? createTwilioRestClient({ baseUrl: config.TWILIO_API_BASE_URL ?? twilioApiBaseUrl(config.TWILIO_REGION, config.TWILIO_EDGE), accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, logger, clock })
      : undefined;
  const control = rest ? new RestCallControl(rest, logger) : undefined;
  if (!control) logger.warn('TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set: calls end by closing the stream, transfer is not offered, and no SMS confirmations are sent');
  const sms = rest ? createSmsSender({ twilio: rest, outbox, clock, logger, retry: options.smsRetry, onOutcome: ({ result, reason }) => metrics.sms(result, reason).inc() }) : undefined;
  const textsLeft = (await sms?.start()) ?? 0;
  if (textsLeft > 0) logger.warn({ texts: textsLeft }, 'SMS confirmations from a previous run found in the outbox; sending those not sent yet');
  const transferNumber = (org: OrgConfig) => (control ? org.transferNumber : undefined);
  // Recording needs call control (Twilio REST); without it the consent line is not said either.
  const recorded = (org: OrgConfig) => Boolean(control && org.recording?.enabled);
  const behaviour: OrgBehaviour = {
    instructions: (org) => sessionInstructions(org, { transferOffered: Boolean(transferNumber(org)) }),
    contextNote: (org, { context, caller }) => callContextNote(org, { now: clock.wallNow(), callerPhone: context.from, caller }),
    greetingPrompt: (org, { caller }) => greetingInstructions(org, { callerName: caller?.name, recordingNotice: recorded(org) ? recordingNotice(org) : undefined }),
    // add_last_order is offered on every call so the tool list (a prompt-cache prefix) is the same for all of an org's calls.
    toolDefinitions: (org) => [...buildToolDefinitions(org, defaultCartLimits, { lastOrder: true }), ...callToolDefinitions({ transferOffered: Boolean(transferNumber(org)) })],
    toolsForCall: (org, { context, caller }, events) => {
      const tools = createOrderingTools({ org, callSid: context.callSid, callerPhone: context.from, customer: caller, submitter, clock, logger });
      const texting = sms && org.sms?.confirmations ? withOrderTexts(events, { org, context, placedOrder: tools.submittedOrder, sender: sms, clock, logger }) : events;
      return withOrderingEvents(tools, texting);
    },
    transferNumber,
    recorded,
  };
  const modelCheck = checkModelRetirement({ realtimeUrl: config.OPENAI_REALTIME_URL, apiKey: config.OPENAI_API_KEY, models: modelsInUse(config), now: clock.wallNow(), logger });
  return {
    serverDeps: {
      config,
      logger,
      clock,
      orgs,
      behaviour,
      metrics,
      orders: sms ? combinedBacklog([submitter, sms]) : submitter,
      records,
      fetchCustomer: (orgId, phone) => appClient.fetchCustomer(orgId, phone),
      ...(control ? { control } : {}),
    },
    appClient,
    submitter,
    sms,
    modelCheck,
    stop: async () => {
      submitter.stop();
      records.stop();
      sms?.stop();
      await appClient.close();
    },
  };
}
