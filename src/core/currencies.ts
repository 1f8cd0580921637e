// ISO 4217 active currency codes and their minor units, kept as data so the core
// decides rounding the same way in Node and in every browser (ICU data differs).
const TWO =
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF ' +
  'CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF ' +
  'IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR ' +
  'MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD ' +
  'SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG';
const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR = 'CLF UYW';

const minorUnits = new Map<string, number>();
for (const [codes, units] of [
  [TWO, 2],
  [ZERO, 0],
  [THREE, 3],
  [FOUR, 4],
] as const) {
  for (const code of codes.split(' ')) minorUnits.set(code, units);
}

export function isKnownCurrency(code: string): boolean {
  return minorUnits.has(code);
}

/** Digits after the decimal point in the currency's minor unit (JPY 0, CNY 2, KWD 3). */
export function minorUnitsOf(code: string): number {
  const units = minorUnits.get(code);
  if (units === undefined) throw new Error(`unknown currency "${code}"`);
  return units;
}
