// The widget API over real stores (embedded PGlite and PostgreSQL): the partner payload is
// the reference implementation's (widgets/shared/fixture.data.ts) from stored data, sessions
// are tenant + user bound, and nothing of another tenant is ever visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PartnerResult, score } from '../../src/core/index.js';
import { upsertPartners } from '../../src/store/repos/records.repo.js';
import { saveResult } from '../../src/store/repos/results.repo.js';
import { issueSession } from '../../src/widget-api/sessions.js';
import { sliceInput } from '../../src/widget-api/slice.js';
import { parsePayload } from '../../widgets/shared/payload.schema.js';
import type { StoreKind } from '../runtime/helpers/stores.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';
import { type Harness, harness } from './harness.js';
import { CURRENT, NOW, type SeededTenant, seedTenant, sessionFor } from './widget.fixture.js';

describe.each<StoreKind>(['pglite', 'postgres'])('widget API on %s', (kind) => {
  let store: TestStore;
  let h: Harness;
  let a: SeededTenant;
  let b: SeededTenant;
  let authA: { authorization: string };
  let authB: { authorization: string };

  beforeAll(async () => {
    store = await createTestStore(kind);
    h = await harness({ store, widget: { now: () => NOW } });
    a = await seedTenant(store.db, h.keyring, { crm: 'zoho', orgId: 'org-a' });
    b = await seedTenant(store.db, h.keyring, { crm: 'fxiaoke', orgId: 'ea-b' });
    // A partner only tenant A has.
    await upsertPartners(store.db, a.tenantId, [
      {
        record: { id: 'PX', name: 'Only in A', level: 'Silver', region: 'East', attributes: {} },
        raw: null,
        modifiedAt: NOW.toISOString(),
      },
    ]);
    const p1 = score(a.plan, a.input, { period: CURRENT, computedAt: NOW.toISOString() }).results[0]!;
    await saveResult(store.db, a.tenantId, {
      partnerId: 'PX',
      period: CURRENT,
      planVersion: 1,
      inputsHash: 'x',
      result: { ...p1, partnerId: 'PX', score: 0.5 },
    });
    authA = await sessionFor(store.db, a.tenantId, 'zoho');
    authB = await sessionFor(store.db, b.tenantId, 'fxiaoke', 'FSUID_B');
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
    await store?.dispose();
  });

  const get = (url: string, headers: Record<string, string> = authA) =>
    h.app.inject({ method: 'GET', url, headers });

  it('answers the current period per the payload schema, from the stored result', async () => {
    const res = await get('/api/widget/partners/P1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    const parsed = parsePayload(body);
    expect(parsed.ok).toBe(true);
    const stored = score(a.plan, a.input, { period: CURRENT, computedAt: NOW.toISOString() }).results.find(
      (r) => r.partnerId === 'P1',
    );
    expect(body.result).toEqual(JSON.parse(JSON.stringify(stored)));
    expect(body.partner).toEqual({ id: 'P1', name: 'Acme Distribution', level: 'Silver', region: 'East' });
    expect(body.period).toBe('2027-Q1');
    expect(body.periods).toEqual([
      { key: '2027-Q1', status: 'current' },
      { key: '2026-Q4', status: 'frozen' },
      { key: '2026-Q3', status: 'frozen' },
    ]);
    expect(body.currency).toBe('CNY');
    expect(body.plan).toEqual(JSON.parse(JSON.stringify(a.plan)));
    expect(body.history.map((x: { period: string }) => x.period)).toEqual(['2026-Q3', '2026-Q4', '2027-Q1']);
    expect(body.history.at(-1)).toEqual({
      period: '2027-Q1',
      score: 99.92,
      tier: 'Gold',
      payout: '62720.00',
    });
    expect(body.openDeals).toEqual([
      {
        id: 'OD1',
        name: 'Contoso loyalty app',
        amount: '180000.00',
        currency: 'CNY',
        expectedClose: '2027-03-28',
        accountName: 'Contoso',
      },
      {
        id: 'OD2',
        name: 'Fabrikam analytics',
        amount: '95000.00',
        currency: 'CNY',
        expectedClose: '2027-03-30',
        accountName: expect.any(String),
      },
      {
        id: 'OD3',
        name: '杭州新锐 门店扩展',
        amount: '12000.00',
        currency: 'USD',
        expectedClose: null,
        accountName: expect.any(String),
      },
    ]);
    expect(typeof body.computedAt).toBe('string');
  });

  it('gives the same what-if slice as the reference, and it scores every partner as the whole input does', async () => {
    for (const p of a.input.partners) {
      const body = (await get(`/api/widget/partners/${p.id}`)).json();
      expect(body.input).toEqual(JSON.parse(JSON.stringify(sliceInput(a.input, p.id))));
      const again = score(a.plan, body.input, { period: CURRENT }).results.find((r) => r.partnerId === p.id)!;
      const shown = body.result as PartnerResult;
      expect([again.score, again.tier, again.payout]).toEqual([shown.score, shown.tier, shown.payout]);
    }
  });

  it('shows a settled period from its statement: no open deals, no what-if, history ends there', async () => {
    const res = await get('/api/widget/partners/P5?period=2026-Q4');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(parsePayload(body).ok).toBe(true);
    expect(body.period).toBe('2026-Q4');
    expect(body.openDeals).toEqual([]);
    expect(body.input).toBeNull();
    expect(body.history.map((x: { period: string }) => x.period)).toEqual(['2026-Q3', '2026-Q4']);
    expect(body.result.partnerId).toBe('P5');
  });

  it('answers 404 for unknown partners and periods not offered, 400 for a malformed period', async () => {
    expect((await get('/api/widget/partners/NOPE')).statusCode).toBe(404);
    expect((await get('/api/widget/partners/P1?period=2025-Q1')).statusCode).toBe(404);
    expect((await get('/api/widget/partners/P1?period=2025%20Q1')).statusCode).toBe(400);
  });

  it('answers 401 without a token, with an unknown one and with an expired one', async () => {
    expect((await get('/api/widget/partners/P1', {})).statusCode).toBe(401);
    expect(
      (await get('/api/widget/partners/P1', { authorization: 'Bearer nope-nope-nope-nope-nope' })).statusCode,
    ).toBe(401);
    const old = await issueSession(
      store.db,
      { tenantId: a.tenantId, crm: 'zoho', crmUserId: 'u' },
      new Date(NOW.getTime() - 2 * 3600_000),
    );
    const res = await get('/api/widget/partners/P1', { authorization: `Bearer ${old.token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
    // An admin key is not a widget session.
    for (const url of ['/api/widget/overview', '/api/widget/overview.csv'])
      expect((await get(url, {})).statusCode).toBe(401);
  });

  it("refuses another tenant's partner with 404 on every widget route, and shows each tenant only its own", async () => {
    expect((await get('/api/widget/partners/PX')).statusCode).toBe(200);
    // Generated from the routes the app registers: a widget route added later is covered too.
    await h.app.ready();
    const routes = h.app.routesSeen.filter((r) => r.url.startsWith('/api/widget/') && r.method === 'GET');
    expect(routes.length).toBeGreaterThanOrEqual(3);
    const foreign = routes
      .filter((r) => r.url.includes(':'))
      .flatMap((r) => {
        const url = r.url.replace(/:(\w+)/g, (_, name: string) => {
          if (name !== 'partnerId') throw new Error(`route ${r.url}: add a fixture for :${name}`);
          return 'PX';
        });
        return [url, `${url}?period=${CURRENT}`, `${url}?period=2026-Q4`];
      });
    expect(foreign.length).toBeGreaterThanOrEqual(3);
    for (const r of routes.filter((x) => !x.url.includes(':'))) {
      const res = await get(r.url, authB);
      expect(res.statusCode, r.url).toBe(200);
      expect(res.body, r.url).not.toContain('Only in A');
    }
    for (const url of foreign) {
      const res = await get(url, authB);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Only in A');
    }
    const overviewB = (await get('/api/widget/overview', authB)).json();
    expect(overviewB.leaderboard.map((r: { partnerId: string }) => r.partnerId)).not.toContain('PX');
    const overviewA = (await get('/api/widget/overview')).json();
    expect(overviewA.leaderboard.map((r: { partnerId: string }) => r.partnerId)).toContain('PX');
    expect((await get('/api/widget/overview.csv', authB)).body).not.toContain('Only in A');
    // A tenant with no plan and no data: everything is 404, never another tenant's figures.
    const empty = await harnessTenant();
    for (const url of ['/api/widget/partners/P1', '/api/widget/overview', '/api/widget/overview.csv']) {
      expect((await get(url, empty)).statusCode, url).toBe(404);
    }
  });

  async function harnessTenant() {
    const { addTenant } = await import('../../src/jobs/tenants.service.js');
    const t = await addTenant(
      store.db,
      h.keyring,
      { crm: 'zoho', orgId: `org-empty-${Math.random()}` },
      'test',
    );
    return sessionFor(store.db, t.id, 'zoho');
  }

  it('overview: leaderboard (filtered by region and level), tiers, payout, close to next tier, gate risks', async () => {
    const res = await get('/api/widget/overview', authB);
    expect(res.statusCode).toBe(200);
    const o = res.json();
    const doc = score(b.plan, b.input, { period: CURRENT }).results;
    expect(o.period).toBe(CURRENT);
    expect(o.periods).toEqual(['2027-Q1', '2026-Q4', '2026-Q3']);
    expect(o.partners).toBe(5);
    expect(o.leaderboard.map((r: { partnerId: string }) => r.partnerId)).toEqual(
      [...doc].sort((x, y) => y.score - x.score).map((r) => r.partnerId),
    );
    expect(o.leaderboard[0]).toMatchObject({
      position: 1,
      partnerId: 'P1',
      tier: 'Gold',
      score: 99.92,
      payout: '62720.00',
      rank: 1,
    });
    expect(o.tiers.map((t: { name: string }) => t.name)).toEqual([
      'Registered',
      'Silver',
      'Gold',
      'Platinum',
    ]);
    expect(o.tiers.reduce((n: number, t: { partners: number }) => n + t.partners, 0)).toBe(5);
    const total = doc.reduce((s, r) => s + Math.round(Number(r.payout.total) * 100), 0);
    expect(o.payout).toEqual({ total: (total / 100).toFixed(2), budget: null, share: null });
    expect(o.closeToNextTier.every((c: { scoreGap: number }) => c.scoreGap <= 10)).toBe(true);
    expect(o.closeToNextTier.map((c: { partnerId: string }) => c.partnerId)).toEqual(
      doc.filter((r) => r.nextTier && r.nextTier.scoreGap <= 10).map((r) => r.partnerId),
    );
    expect(o.gateRisks).toContainEqual({
      partnerId: 'P3',
      name: 'Northwind Resellers',
      metric: 'csat',
      min: 4,
      actual: expect.any(String),
      failing: true,
    });
    const east = (await get('/api/widget/overview?region=East', authB)).json();
    expect(east.leaderboard.length).toBeGreaterThan(0);
    expect(east.leaderboard.every((r: { region: string }) => r.region === 'East')).toBe(true);
    expect(east.filter).toEqual({ region: 'East', level: null });
    const gold = (await get('/api/widget/overview?level=Gold', authB)).json();
    expect(gold.leaderboard.every((r: { level: string }) => r.level === 'Gold')).toBe(true);
    const settled = (await get('/api/widget/overview?period=2026-Q4', authB)).json();
    expect(settled.period).toBe('2026-Q4');
    expect((await get('/api/widget/overview?period=2020-Q1', authB)).statusCode).toBe(404);
  });

  it('overview.csv: the leaderboard as CSV, names quoted and formulas defused', async () => {
    const res = await get('/api/widget/overview.csv', authB);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="incentives-2027-Q1.csv"');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'position,partner_id,name,level,region,tier,score,payout,currency,rank,next_tier,score_gap,gates_failed',
    );
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^1,P1,Acme Distribution,Silver,East,Gold,99.92,62720.00,CNY,1,Platinum,/);
  });
});
