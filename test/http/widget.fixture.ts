// A tenant's stored data as the pipeline leaves it, made with the real core and the repos:
// the demo programme (examples + history) as synced records, the active plan, statements
// frozen for the two settled quarters, and results for those and the current quarter.
import { createHash } from 'node:crypto';
import { type Plan, score } from '../../src/core/index.js';
import { AccountSchema, DealSchema, PartnerSchema } from '../../src/core/input.js';
import { addTenant } from '../../src/jobs/tenants.service.js';
import type { Keyring } from '../../src/secrets/keyring.js';
import type { TenantId } from '../../src/store/ids.js';
import { activatePlanVersion, addPlanVersion } from '../../src/store/repos/plans.repo.js';
import { upsertAccounts, upsertDeals, upsertPartners } from '../../src/store/repos/records.repo.js';
import { freezeStatement, saveResult } from '../../src/store/repos/results.repo.js';
import type { Sql } from '../../src/store/sql.js';
import { issueSession } from '../../src/widget-api/sessions.js';
import { DEMO_NOW, loadDemo } from '../../widgets/dev/demo-data.js';

export const NOW = new Date(DEMO_NOW);
export const CURRENT = '2027-Q1';
export const SETTLED = ['2026-Q3', '2026-Q4'];

const byId = <T extends { id: string }>(xs: T[]) =>
  [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export interface SeededTenant {
  tenantId: TenantId;
  plan: Plan;
  /** The normalized input exactly as stored (records sorted by id, statements as frozen). */
  input: {
    partners: ReturnType<typeof PartnerSchema.parse>[];
    accounts: ReturnType<typeof AccountSchema.parse>[];
    deals: ReturnType<typeof DealSchema.parse>[];
    rates: Record<string, string>;
    statements: { partnerId: string; period: string; payout: string }[];
  };
}

export async function seedTenant(
  db: Sql,
  keyring: Keyring,
  o: {
    crm: 'zoho' | 'fxiaoke';
    orgId: string;
    credentials?: Record<string, unknown>;
    settings?: Record<string, unknown>;
  },
): Promise<SeededTenant> {
  const demo = loadDemo();
  const raw = demo.input as {
    partners: unknown[];
    accounts: unknown[];
    deals: unknown[];
    rates: Record<string, string>;
    statements: { partnerId: string; period: string; payout: string }[];
  };
  const tenant = await addTenant(
    db,
    keyring,
    {
      crm: o.crm,
      orgId: o.orgId,
      region: o.crm === 'zoho' ? 'eu' : 'open.fxiaoke.com',
      credentials: o.credentials,
      settings: { rates: raw.rates, ...o.settings },
    },
    'test',
  );
  const version = await addPlanVersion(db, tenant.id, {
    format: 'json',
    source: JSON.stringify(demo.plan),
    plan: demo.plan,
    createdBy: 'test',
  });
  await activatePlanVersion(db, tenant.id, version.version);

  const partners = byId(raw.partners.map((p) => PartnerSchema.parse(p)));
  const accounts = byId(raw.accounts.map((a) => AccountSchema.parse(a)));
  const deals = byId(raw.deals.map((d) => DealSchema.parse(d)));
  const at = '2027-03-01T00:00:00.000Z';
  await upsertPartners(
    db,
    tenant.id,
    partners.map((record) => ({ record, raw: null, modifiedAt: at })),
  );
  await upsertAccounts(
    db,
    tenant.id,
    accounts.map((record) => ({ record, raw: null, modifiedAt: at })),
  );
  await upsertDeals(
    db,
    tenant.id,
    deals.map((record) => ({ record, raw: null, modifiedAt: at })),
  );

  const base = { partners, accounts, deals, rates: raw.rates };
  const statements: SeededTenant['input']['statements'] = [];
  for (const period of SETTLED) {
    const doc = score(demo.plan, { ...base, statements: [] }, { period, computedAt: at });
    for (const r of doc.results) {
      // The examples' own statement (P5, 2026-Q4) keeps its figure: its adjustment is part of the examples.
      const paid =
        raw.statements.find((s) => s.partnerId === r.partnerId && s.period === period)?.payout ??
        r.payout.total;
      statements.push({ partnerId: r.partnerId, period, payout: paid });
      const hash = createHash('sha256').update(`${period}/${r.partnerId}`).digest('hex');
      await saveResult(db, tenant.id, {
        partnerId: r.partnerId,
        period,
        planVersion: version.version,
        inputsHash: hash,
        result: r,
      });
      await freezeStatement(db, tenant.id, {
        partnerId: r.partnerId,
        period,
        planVersion: version.version,
        inputsHash: hash,
        payout: paid,
        currency: demo.plan.currency,
        result: r,
      });
    }
  }
  statements.sort((a, b) =>
    a.period < b.period ? -1 : a.period > b.period ? 1 : a.partnerId < b.partnerId ? -1 : 1,
  );
  const input = { ...base, statements };
  const current = score(demo.plan, input, { period: CURRENT, computedAt: DEMO_NOW });
  for (const r of current.results) {
    await saveResult(db, tenant.id, {
      partnerId: r.partnerId,
      period: CURRENT,
      planVersion: version.version,
      inputsHash: r.inputsHash,
      result: r,
    });
  }
  return { tenantId: tenant.id, plan: demo.plan, input };
}

/** A session for a CRM user of the tenant, straight from the service (the exchange is tested apart). */
export async function sessionFor(
  db: Sql,
  tenantId: TenantId,
  crm: 'zoho' | 'fxiaoke',
  user = 'user@example.com',
) {
  const s = await issueSession(db, { tenantId, crm, crmUserId: user }, NOW);
  return { authorization: `Bearer ${s.token}` };
}
