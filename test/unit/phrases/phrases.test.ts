import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { describe, expect, it } from 'vitest';
import { APOLOGY_BUSY, APOLOGY_NO_ORG, APOLOGY_STREAM_LOST, APOLOGY_UNAVAILABLE } from '../../../src/http/twiml-route.js';
import { apology } from '../../../src/call/call-policy.js';
import { orgLanguage, orgLanguages, phrase, phraseFrom, phraseLanguage, SAY_LOCALES, sayLanguage } from '../../../src/phrases/phrases.js';

// Compile-time: every locale sayLanguage can answer is one Twilio's <Say> takes.
const sayLocales: readonly NonNullable<VoiceResponse.SayAttributes['language']>[] = SAY_LOCALES;

const chicago = 'America/Chicago';
const mondayAt11 = new Date('2026-12-07T17:00:00Z');
const sms = { restaurant: 'Bella Cucina', orderId: 'ord_1', items: ['2 × Margherita Pizza (Large, Mushrooms)', '1 × Cola'], total: '$41.50', timeZone: chicago };

describe('phrases', () => {
  it('the webhook and the call say the English table’s phrases, and the call apologises in its language', () => {
    expect(APOLOGY_NO_ORG).toBe('Sorry, this number is not set up to take calls right now. Please try again later. Goodbye.');
    expect([APOLOGY_UNAVAILABLE, APOLOGY_STREAM_LOST, APOLOGY_BUSY]).toEqual([phrase('en', 'apologyUnavailable'), phrase('en', 'apologyStreamLost'), phrase('en', 'apologyBusy')]);
    expect(apology(undefined)).toBe("I'm sorry, we're having trouble with this call. Please call back in a moment. Goodbye.");
    expect(apology('es-MX')).toBe(phrase('es', 'defaultApology'));
    expect(apology('es')).toMatch(/^Lo siento/);
  });

  it('answers in Spanish for es and its regional codes, and in English for a language without a table', () => {
    expect(phrase('es', 'apologyBusy')).toMatch(/^Lo sentimos, todas nuestras líneas están ocupadas/);
    expect(phrase('es-MX', 'apologyBusy')).toBe(phrase('es', 'apologyBusy'));
    expect(phrase('tlh', 'apologyBusy')).toBe(APOLOGY_BUSY);
    expect(phraseLanguage('ES-mx')).toBe('es');
    expect(phraseLanguage('fr')).toBe('en');
  });

  it('falls back to English for a phrase missing from a language’s table', () => {
    expect(phraseFrom({ es: { apologyBusy: 'Ocupado.' } }, 'es', 'apologyBusy')).toBe('Ocupado.');
    expect(phraseFrom({ es: { apologyBusy: 'Ocupado.' } }, 'es', 'transferFallback')).toBe('Sorry, nobody is available to take your call right now. Please call back later. Goodbye.');
  });

  it('says when a closed business opens again, in the org’s time zone and the caller’s language', () => {
    expect(phrase('en', 'closedNow')({ restaurant: 'Bella Cucina', opensAt: mondayAt11, timeZone: chicago })).toBe(
      'Sorry, Bella Cucina is closed right now. We open again Monday at 11:00 AM. Goodbye.',
    );
    expect(phrase('es', 'closedNow')({ restaurant: 'Bella Cucina', opensAt: mondayAt11, timeZone: chicago })).toBe(
      'Lo sentimos, Bella Cucina está cerrado en este momento. Volvemos a abrir el lunes a las 11:00. Adiós.',
    );
    expect(phrase('en', 'closedNow')({ restaurant: 'Bella Cucina', timeZone: chicago })).toBe('Sorry, Bella Cucina is closed right now. Goodbye.');
  });

  it('writes the SMS confirmation with the order id, items, total and ready time, in plain spaces', () => {
    const text = phrase('en', 'smsConfirmation')({ ...sms, readyAt: new Date('2026-12-08T00:25:00Z') });
    expect(text).toBe('Bella Cucina: order ord_1 confirmed. 2 × Margherita Pizza (Large, Mushrooms), 1 × Cola. Total $41.50. Ready around 6:25 PM.');
    expect(text).not.toMatch(/[\u00a0\u202f]/);
    expect(phrase('es', 'smsConfirmation')({ ...sms, readyAt: new Date('2026-12-08T00:25:00Z') })).toBe(
      'Bella Cucina: pedido ord_1 confirmado. 2 × Margherita Pizza (Large, Mushrooms), 1 × Cola. Total $41.50. Listo hacia las 18:25.',
    );
    expect(phrase('en', 'smsConfirmation')(sms)).toBe('Bella Cucina: order ord_1 confirmed. 2 × Margherita Pizza (Large, Mushrooms), 1 × Cola. Total $41.50.');
  });

  it('picks the org’s language: languages[0], else language', () => {
    expect(orgLanguage({ language: 'en', languages: ['es', 'en'] })).toBe('es');
    expect(orgLanguage({ language: 'fr', languages: undefined })).toBe('fr');
    expect(orgLanguages({ language: 'fr', languages: undefined })).toEqual(['fr']);
  });

  it('gives a <Say language> locale: a known locale as is, else the usual one for the base language, else en-US', () => {
    expect(sayLanguage('en')).toBe('en-US');
    expect(sayLanguage('es')).toBe('es-US');
    expect(sayLanguage('es-mx')).toBe('es-MX');
    expect(sayLanguage('es-AR')).toBe('es-US');
    expect(sayLanguage('tlh')).toBe('en-US');
    expect(sayLocales).toContain(sayLanguage('zh'));
  });
});
