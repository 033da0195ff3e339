import type { FulfillmentType, OrgConfig } from '../main-app/org-config.js';
import { momentParts } from './speakable-hours.js';

/** A ready time quoted before submitting, from the org's lead minutes (contract README: the app's `estimatedReadyMinutes` wins once it answers). Pure. */
export interface ReadyQuote {
  minutes: number;
  readyAt: Date;
  /** "about 20 minutes, around 6:25 PM" */
  text: string;
}

/** Quoted clock times are rounded up to the next five minutes: "around 6:25 PM" rather than "6:23 PM". */
const ROUND_MS = 5 * 60_000;

export function leadMinutes(org: Pick<OrgConfig, 'pickupLeadMinutes' | 'deliveryLeadMinutes'>, fulfillment: FulfillmentType): number | undefined {
  return fulfillment === 'delivery' ? org.deliveryLeadMinutes : org.pickupLeadMinutes;
}

/** Undefined when the org gives no lead minutes for this fulfillment. */
export function readyQuote(org: Pick<OrgConfig, 'pickupLeadMinutes' | 'deliveryLeadMinutes' | 'timezone'>, fulfillment: FulfillmentType, now: Date): ReadyQuote | undefined {
  const minutes = leadMinutes(org, fulfillment);
  return minutes === undefined ? undefined : readyIn(minutes, now, org.timezone);
}

/** A ready time `minutes` from now, in the org's time zone. */
export function readyIn(minutes: number, now: Date, timeZone: string): ReadyQuote {
  const readyAt = new Date(Math.ceil((now.getTime() + minutes * 60_000) / ROUND_MS) * ROUND_MS);
  const { clock, day } = momentParts(readyAt, now, timeZone);
  return { minutes, readyAt, text: `about ${minutes} minutes, around ${clock}${day === 'today' ? '' : ` ${day}`}` };
}
