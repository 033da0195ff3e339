import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import type { OrgConfigResult } from '../main-app/app-client.js';
import type { Customer } from '../main-app/customer.js';
import type { OrgConfig } from '../main-app/org-config.js';
import { menuItemNames } from '../ordering/menu.js';
import type { OrderingEvents } from '../ordering/ordering-events.js';
import { orgLanguages } from '../phrases/phrases.js';
import type { Clock } from '../clock.js';
import { modelForOrg, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RealtimeFunctionTool } from 'openai/resources/realtime/realtime';
import type { CallContext, CallProfile, CallSetup, OrderingSession } from '../call/call-types.js';
import { openModelLink, type ModelLink } from '../realtime/model-link.js';
import { RealtimePort } from '../realtime/realtime-port.js';
import { buildSessionUpdate } from '../realtime/session-config.js';
import { settledValue, type CallerLookups } from './caller-lookups.js';

/** One call's facts beyond its org: its context, and the caller if the app knows them. */
export interface CallFacts {
  context: CallContext;
  caller: Customer | undefined;
}

/** What a call needs from its org beyond the config itself: instructions, tools, greeting. */
export interface OrgBehaviour {
  /** Session instructions: the same for every call of the org (the model's prompt cache keeps them). */
  instructions(org: OrgConfig): string;
  /** What changes per call (time of day, open now, the caller), said to the model after its instructions. */
  contextNote(org: OrgConfig, call: CallFacts): string;
  /** What the agent is asked to say when it picks up (with the recording notice when the call is recorded). */
  greetingPrompt(org: OrgConfig, call: CallFacts): string;
  toolDefinitions(org: OrgConfig): RealtimeFunctionTool[];
  /** Fresh ordering tools (and cart) for one call, reporting its cart and orders to `events`. */
  toolsForCall?(org: OrgConfig, call: CallFacts, events: OrderingEvents): OrderingSession;
  /** The number to transfer to, when transfer is offered for this org. */
  transferNumber?(org: OrgConfig): string | undefined;
  /** Whether this org's calls are recorded (after the consent line). */
  recorded?(org: OrgConfig): boolean;
}

export interface OrgSource {
  get(orgId: string): Promise<OrgConfigResult>;
  /** The config if it is cached, without asking the app (for checks that cannot wait). */
  peek?(orgId: string): OrgConfig | undefined;
}

export class CallSetupError extends Error {
  override name = 'CallSetupError';
  constructor(
    message: string,
    readonly code: 'org-not-found' | 'org-unavailable',
  ) {
    super(message);
  }
}

export interface CallSetupDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  orgs: OrgSource;
  behaviour: OrgBehaviour;
  /** Who is calling (asked of the app while the phone rings); none: every caller is unknown. */
  callers?: CallerLookups;
  /** Real time for pings and response deadlines (see BridgeDeps.watchdogClock); none: not watched. */
  watchdogClock?: Clock;
  /** Replaceable for tests; defaults to a real socket to OPENAI_REALTIME_URL. */
  openLink?: (sessionUpdate: SessionUpdateEvent, logger: Logger) => Promise<ModelLink>;
}

/** Turns an org into a configured model session and the call's profile (greeting, tools, transfer). */
export class CallSetupFactory {
  constructor(private readonly deps: CallSetupDeps) {}

  async org(orgId: string): Promise<OrgConfig> {
    const result = await this.deps.orgs.get(orgId);
    if (result.kind === 'ok') return result.config;
    if (result.kind === 'not-found') throw new CallSetupError(`unknown org ${orgId}`, 'org-not-found');
    throw new CallSetupError(`org config unavailable: ${result.reason}`, 'org-unavailable');
  }

  sessionUpdateFor(org: OrgConfig): SessionUpdateEvent {
    const { behaviour, config } = this.deps;
    return buildSessionUpdate({
      model: modelForOrg(config, org.orgId),
      instructions: behaviour.instructions(org),
      voice: config.OPENAI_VOICE ?? org.voice,
      tools: behaviour.toolDefinitions(org),
      transcription: { model: config.OPENAI_TRANSCRIPTION_MODEL, languages: orgLanguages(org), keywords: menuItemNames(org) },
      reasoningEffort: config.OPENAI_REASONING_EFFORT,
    });
  }

  /** Opens a configured model session for an org (pre-warm, cold start, or a replacement mid-call). */
  openFor(org: OrgConfig, logger: Logger): Promise<ModelLink> {
    const update = this.sessionUpdateFor(org);
    if (this.deps.openLink) return this.deps.openLink(update, logger);
    const { config, clock } = this.deps;
    const timeoutMs = config.MODEL_CONNECT_TIMEOUT_SECONDS * 1000;
    return openModelLink({ url: config.OPENAI_REALTIME_URL, model: modelForOrg(config, org.orgId), apiKey: config.OPENAI_API_KEY, sessionUpdate: update, clock, logger, timeoutMs });
  }

  /** Everything a call needs once its stream started: a warm link when one waits, else a cold one. */
  async setupFor(context: CallContext, logger: Logger, warm?: Promise<ModelLink>, events: OrderingEvents = {}): Promise<CallSetup> {
    const callerLookup = this.deps.callers?.claim(context.callSid, context.orgId, context.from) ?? Promise.resolve(undefined);
    const org = await this.org(context.orgId).catch((err: unknown) => {
      // The session opened while the phone rang is claimed: nobody else will close it.
      void warm?.then((link) => link.close(1000, 'call setup failed'), () => undefined);
      throw err;
    });
    let link: ModelLink | undefined;
    if (warm) {
      link = await warm.catch(() => undefined);
      if (link && !link.isOpen) link = undefined;
      logger.info({ prewarmed: link !== undefined }, link ? 'using the pre-warmed model session' : 'pre-warmed model session unusable; connecting now');
    }
    // A first attempt that hangs or drops is tried once more (bounded: the connect timeout each time).
    link ??= await this.openFor(org, logger).catch((err: unknown) => {
      if ((err as { fatal?: unknown }).fatal === true) throw err;
      logger.warn({ err: (err as Error).message }, 'model session did not open; trying once more');
      return this.openFor(org, logger);
    });
    // The greeting never waits for the caller lookup: one not answered by now means an unknown caller.
    const call: CallFacts = { context, caller: await settledValue(callerLookup) };
    if (call.caller) logger.info({ lastOrder: call.caller.lastOrder !== null }, 'returning caller');
    const { behaviour } = this.deps;
    const profile: CallProfile = {
      contextNote: behaviour.contextNote(org, call),
      greetingPrompt: behaviour.greetingPrompt(org, call),
      ordering: behaviour.toolsForCall?.(org, call, events),
      transferNumber: behaviour.transferNumber?.(org),
      record: behaviour.recorded?.(org),
    };
    const { config, watchdogClock } = this.deps;
    const liveness = watchdogClock && { clock: watchdogClock, pingEveryMs: config.STREAM_PING_SECONDS * 1000, responseTimeoutMs: config.MODEL_RESPONSE_TIMEOUT_SECONDS * 1000 };
    const port = (opened: ModelLink) => new RealtimePort(opened, this.deps.clock, logger, liveness);
    return { port: port(link), profile, reconnect: async () => port(await this.openFor(org, logger)) };
  }
}
