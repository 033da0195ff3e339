/**
 * The caller's number as Twilio gives it (`From` of the voice webhook), for texting back and for logs. Pure.
 *
 * A withheld caller ID reaches Twilio as a word ("anonymous", "Restricted", "Unknown", "Private"), as nothing, or as
 * a carrier's placeholder that looks like a number: the keypad spelling of ANONYMOUS, RESTRICTED, BLOCKED, UNKNOWN
 * or UNAVAILABLE (Twilio's help article "Why am I getting calls from these strange numbers?"). Only a real E.164
 * number can be texted.
 */
export const E164 = /^\+[1-9]\d{1,14}$/;

const WITHHELD_PLACEHOLDERS = new Set(['+266696687', '+7378742833', '+2562533', '+8656696', '+86282452253']);

/** The number to text back, or undefined when the caller ID is withheld or not a phone number. */
export function textableNumber(from: string | null | undefined): string | undefined {
  if (!from || !E164.test(from) || WITHHELD_PLACEHOLDERS.has(from)) return undefined;
  return from;
}

/** A phone number as logs show it: only its last four digits ("+*******0000"). */
export function maskedNumber(number: string): string {
  const digits = number.replace(/^\+/, '');
  return `+${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`;
}
