/** Formats integer minor units (cents) as a speakable amount, e.g. 4150 USD → "$41.50". */
export function formatMoney(minorUnits: number, currency: string, language = 'en'): string {
  const format = currencyFormat(currency, language);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

// Building an Intl.NumberFormat costs far more than using one; every call's instructions format the whole menu.
const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string, language: string): Intl.NumberFormat {
  const key = `${language}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(language, { style: 'currency', currency });
    } catch {
      format = new Intl.NumberFormat('en', { style: 'currency', currency });
    }
    if (formats.size < 100) formats.set(key, format);
  }
  return format;
}
