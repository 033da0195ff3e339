/** Formats integer minor units (cents) as a speakable amount, e.g. 4150 USD → "$41.50". */
export function formatMoney(minorUnits: number, currency: string, language = 'en'): string {
  const format = currencyFormat(currency, language);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

function currencyFormat(currency: string, language: string): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency });
  } catch {
    return new Intl.NumberFormat('en', { style: 'currency', currency });
  }
}
