import { appClientFromConfig, type AppClient } from './app/app-client.js';
import { createOrgConfigCache } from './app/org-config-cache.js';
import { RestCallControl } from './call/call-control.js';
import type { OrgBehaviour } from './call/call-setup.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { buildInstructions, greetingInstructions } from './ordering/instructions.js';
import type { ServerDeps } from './server.js';
import { createTwilioRestClient } from './twilio/rest-client.js';

export interface Runtime {
  serverDeps: ServerDeps;
  appClient: AppClient;
  /** Stops background work (redelivery timers, keep-alive sockets). */
  stop(): Promise<void>;
}

/** Builds the production collaborators from the config: main-app client and cache, Twilio REST, ordering. */
export async function createRuntime(config: Config, logger: Logger, clock: Clock): Promise<Runtime> {
  const appClient = appClientFromConfig(config, logger);
  const orgs = createOrgConfigCache({ client: appClient, clock, logger });
  const control =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? new RestCallControl(
          createTwilioRestClient({ baseUrl: config.TWILIO_API_BASE_URL, accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, logger, clock }),
          logger,
        )
      : undefined;
  if (!control) logger.warn('TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set: calls are ended by closing the stream, not over REST');
  const behaviour: OrgBehaviour = {
    instructions: (org) => buildInstructions(org, { now: clock.wallNow() }),
    greetingInstructions,
    toolDefinitions: () => [],
  };
  return {
    serverDeps: { config, logger, clock, orgs, behaviour, ...(control ? { control } : {}) },
    appClient,
    stop: () => appClient.close(),
  };
}
