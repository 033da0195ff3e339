import { momentParts } from '../hours/speakable-hours.js';
import type { OrgConfig } from '../main-app/org-config.js';

/**
 * The bridge's own fixed phrases (said by Twilio `<Say>` or sent by SMS, never by the model), one small table
 * per language with English as the fallback for an unknown language or a missing phrase. Pure.
 */

export interface ClosedNowParams {
  restaurant: string;
  /** When the business opens next, as an instant; omitted when unknown. */
  opensAt?: Date;
  timeZone: string;
}

export interface SmsConfirmationParams {
  restaurant: string;
  orderId: string;
  /** One entry a line of the order, e.g. "2 × Margherita Pizza (Large, Mushrooms)". */
  items: string[];
  /** Already formatted, e.g. "$41.50". */
  total: string;
  /** When the order will be ready, as an instant; omitted when unknown. */
  readyAt?: Date;
  timeZone: string;
}

export interface PhraseTable {
  apologyNoOrg: string;
  apologyUnavailable: string;
  apologyStreamLost: string;
  apologyBusy: string;
  defaultApology: string;
  transferFallback: string;
  /** Said before recording starts when the org gives no consent line of its own. */
  recordingConsent: string;
  closedNow: (p: ClosedNowParams) => string;
  smsConfirmation: (p: SmsConfirmationParams) => string;
}

export type PhraseKey = keyof PhraseTable;

const en: PhraseTable = {
  apologyNoOrg: 'Sorry, this number is not set up to take calls right now. Please try again later. Goodbye.',
  apologyUnavailable: "Sorry, we can't take your call right now. Please try again in a few minutes. Goodbye.",
  apologyStreamLost: 'Sorry, we lost the connection. Please call us back. Goodbye.',
  apologyBusy: 'Sorry, all our lines are busy right now. Please call back in a few minutes. Goodbye.',
  defaultApology: "I'm sorry, we're having trouble with this call. Please call back in a moment. Goodbye.",
  transferFallback: 'Sorry, nobody is available to take your call right now. Please call back later. Goodbye.',
  recordingConsent: 'This call may be recorded.',
  closedNow: ({ restaurant, opensAt, timeZone }) => {
    const next = opensAt ? ` We open again ${localDay('en', opensAt, timeZone)} at ${localClock('en', opensAt, timeZone)}.` : '';
    return `Sorry, ${restaurant} is closed right now.${next} Goodbye.`;
  },
  smsConfirmation: ({ restaurant, orderId, items, total, readyAt, timeZone }) => {
    const ready = readyAt ? ` Ready around ${localClock('en', readyAt, timeZone)}.` : '';
    return `${restaurant}: order ${orderId} confirmed. ${items.join(', ')}. Total ${total}.${ready}`;
  },
};

const es: Partial<PhraseTable> = {
  apologyNoOrg: 'Lo sentimos, este número no puede atender llamadas en este momento. Inténtelo más tarde. Adiós.',
  apologyUnavailable: 'Lo sentimos, no podemos atender su llamada en este momento. Inténtelo de nuevo en unos minutos. Adiós.',
  apologyStreamLost: 'Lo sentimos, se perdió la conexión. Por favor, vuelva a llamarnos. Adiós.',
  apologyBusy: 'Lo sentimos, todas nuestras líneas están ocupadas. Por favor, llame de nuevo en unos minutos. Adiós.',
  defaultApology: 'Lo siento, tenemos problemas con esta llamada. Por favor, llame de nuevo en un momento. Adiós.',
  transferFallback: 'Lo sentimos, no hay nadie disponible para atender su llamada. Por favor, llame más tarde. Adiós.',
  recordingConsent: 'Esta llamada puede ser grabada.',
  closedNow: ({ restaurant, opensAt, timeZone }) => {
    const next = opensAt ? ` Volvemos a abrir el ${localDay('es', opensAt, timeZone)} a las ${localClock('es', opensAt, timeZone)}.` : '';
    return `Lo sentimos, ${restaurant} está cerrado en este momento.${next} Adiós.`;
  },
  smsConfirmation: ({ restaurant, orderId, items, total, readyAt, timeZone }) => {
    const ready = readyAt ? ` Listo hacia las ${localClock('es', readyAt, timeZone)}.` : '';
    return `${restaurant}: pedido ${orderId} confirmado. ${items.join(', ')}. Total ${total}.${ready}`;
  },
};

const tables: Record<string, Partial<PhraseTable>> = { en, es };

/** The table's language for a code: "es-MX" → "es"; anything without a table → "en". */
export function phraseLanguage(language: string): string {
  const base = language.toLowerCase().split('-')[0]!;
  return Object.hasOwn(tables, base) ? base : 'en';
}

/** A phrase in `language`, else in English. */
export function phrase<K extends PhraseKey>(language: string, key: K): PhraseTable[K] {
  return phraseFrom(tables, language, key);
}

/** The lookup behind `phrase`, over any set of tables (English, complete, is always the fallback). */
export function phraseFrom<K extends PhraseKey>(from: Record<string, Partial<PhraseTable>>, language: string, key: K): PhraseTable[K] {
  const base = language.toLowerCase().split('-')[0]!;
  return ((Object.hasOwn(from, base) ? from[base]![key] : undefined) ?? en[key]) as PhraseTable[K];
}

/** The org's default language: the first of `languages`, else `language` (contract README, org-config fields). */
export function orgLanguage(org: Pick<OrgConfig, 'language' | 'languages'>): string {
  return org.languages?.[0] ?? org.language;
}

/** The line said before a call is recorded: the org's own, else the bridge's in the org's language. */
export function recordingNotice(org: Pick<OrgConfig, 'language' | 'languages' | 'recording'>): string {
  return org.recording?.consentMessage ?? phrase(orgLanguage(org), 'recordingConsent');
}

/** Every language the agent may speak for the org, the default first. */
export function orgLanguages(org: Pick<OrgConfig, 'language' | 'languages'>): string[] {
  return org.languages ?? [org.language];
}

/**
 * A `<Say language="…">` value for a language code: the code itself when it is already a locale Twilio's
 * `<Say>` takes (the `twilio` package's `VoiceResponse.SayAttributes`), else the usual locale for its base
 * language, else "en-US".
 */
export function sayLanguage(language: string): string {
  const exact = SAY_LOCALES.find((l) => l.toLowerCase() === language.toLowerCase());
  if (exact) return exact;
  return DEFAULT_LOCALE[language.toLowerCase().split('-')[0]!] ?? 'en-US';
}

/** A subset of the `language` values of `VoiceResponse.SayAttributes` (twilio package): the locales the default table below can land on, and their regional variants. */
export const SAY_LOCALES = [
  'en-US', 'en-GB', 'en-AU', 'en-CA', 'en-IE', 'en-IN', 'en-NZ', 'en-ZA',
  'es-US', 'es-MX', 'es-ES', 'fr-FR', 'fr-CA', 'it-IT', 'de-DE', 'pt-BR', 'pt-PT',
  'nl-NL', 'pl-PL', 'ru-RU', 'ja-JP', 'ko-KR', 'cmn-CN', 'zh-CN', 'zh-TW', 'vi-VN', 'hi-IN', 'ar-AE', 'tr-TR', 'sv-SE',
] as const;

const DEFAULT_LOCALE: Record<string, string> = {
  en: 'en-US', es: 'es-US', fr: 'fr-FR', it: 'it-IT', de: 'de-DE', pt: 'pt-BR', nl: 'nl-NL', pl: 'pl-PL', ru: 'ru-RU',
  ja: 'ja-JP', ko: 'ko-KR', zh: 'cmn-CN', vi: 'vi-VN', hi: 'hi-IN', ar: 'ar-AE', tr: 'tr-TR', sv: 'sv-SE',
};

// ICU puts a narrow no-break space before "AM"; a plain space keeps an SMS in the GSM-7 alphabet (one segment holds 160 characters, not 70).
export const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

/** English as the agent says it ("noon", "6:25 PM"), so the text and the call quote the same time. */
function localClock(language: string, at: Date, timeZone: string): string {
  if (language === 'en') return momentParts(at, at, timeZone).clock;
  return plainSpaces(at.toLocaleTimeString(language, { timeZone, hour: 'numeric', minute: '2-digit' }));
}

function localDay(language: string, at: Date, timeZone: string): string {
  return plainSpaces(at.toLocaleDateString(language, { timeZone, weekday: 'long' }));
}
