// Exchange rates for scoring, from the org's currency table (`GET /org/currencies`,
// fact sheet §4.5): each `exchange_rate` is units of that currency per one unit of
// the org's base currency. The core wants rates[C] = plan-currency units per one C.
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { ZohoClient } from './zoho.client.js';

const CurrenciesSchema = z.object({
  currencies: z.array(
    z.looseObject({
      iso_code: z.string().regex(/^[A-Z]{3}$/),
      exchange_rate: z.union([z.string(), z.number()]).transform(String),
      is_base: z.boolean().optional(),
      is_active: z.boolean().optional(),
    }),
  ),
});

/** Pure conversion, exported for tests: base-relative rates → rates into `planCurrency`. */
export function ratesInto(
  planCurrency: string,
  perBase: { iso: string; rate: string }[],
): Record<string, string> {
  const plan = perBase.find((c) => c.iso === planCurrency);
  if (!plan)
    throw new Error(
      `the org has no ${planCurrency} in its currencies; add it in Zoho CRM (Setup → Currencies)`,
    );
  const planPerBase = new Decimal(plan.rate);
  const out: Record<string, string> = {};
  for (const c of perBase) {
    if (c.iso === planCurrency) continue;
    const r = new Decimal(c.rate);
    if (r.lte(0)) continue;
    // 1 C = (1 / r) base = planPerBase / r plan units.
    out[c.iso] = planPerBase.div(r).toSignificantDigits(12).toFixed();
  }
  return out;
}

export async function readRates(client: ZohoClient, planCurrency: string): Promise<Record<string, string>> {
  const res = await client.request<unknown>({ method: 'GET', path: '/crm/v8/org/currencies' });
  const parsed = CurrenciesSchema.safeParse(res.data);
  if (!parsed.success)
    throw new Error(`Zoho currencies response unexpected: ${parsed.error.issues[0]?.message}`);
  return ratesInto(
    planCurrency,
    parsed.data.currencies
      .filter((c) => c.is_active !== false)
      .map((c) => ({ iso: c.iso_code, rate: c.exchange_rate })),
  );
}
