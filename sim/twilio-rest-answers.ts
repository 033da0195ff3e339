/**
 * What Twilio's REST API answers: its error body (`code`, `message`, `more_info`, `status`, as on Twilio's error pages)
 * and the wire form of the resources the `twilio` package reads, so a missing or renamed field fails `tsc`.
 */
import type { CallInstance } from 'twilio/lib/rest/api/v2010/account/call.js';
import type { RecordingInstance } from 'twilio/lib/rest/api/v2010/account/call/recording.js';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message.js';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A resource as Twilio's JSON carries it: the package's `Date` fields are RFC 2822 strings, and any field may be null. */
export type Wire<T> = { [K in keyof T]: (T[K] extends Date ? string : T[K]) | null };

/** The payloads the package's instances are built from (`new CallInstance(version, payload, …)`). */
export type CallWire = Wire<ConstructorParameters<typeof CallInstance>[1]>;
export type MessageWire = Wire<ConstructorParameters<typeof MessageInstance>[1]>;
export type RecordingWire = Wire<ConstructorParameters<typeof RecordingInstance>[1]>;

export function twilioError(status: number, code: number, message: string): Answer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/** 400 / 20001 for the first parameter name the resource does not take (the `twilio` package's create options). */
export function unknownParameter(names: Iterable<string>, allowed: ReadonlySet<string>): Answer | undefined {
  for (const name of names) if (!allowed.has(name)) return twilioError(400, 20001, `Unknown parameter: ${name}`);
  return undefined;
}

export function notFound(path: string): Answer {
  return twilioError(404, 20404, `The requested resource ${path} was not found`);
}

/** Twilio's date format, RFC 2822 in UTC: `Thu, 03 Dec 2026 12:00:00 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** E.164: a plus, then up to 15 digits, the first not 0. */
export const E164 = /^\+[1-9]\d{1,14}$/;
