import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnrankedResult } from '../../src/core/index.js';
import type { TenantId } from '../../src/store/ids.js';
import {
  authenticateAdminKey,
  createAdminKey,
  revokeAdminKey,
} from '../../src/store/repos/admin-keys.repo.js';
import { audit, listAudit } from '../../src/store/repos/audit.repo.js';
import { inboxCounts, markInbox, openInbox, recordInbox } from '../../src/store/repos/inbox.repo.js';
import { saveResults, storedHashes } from '../../src/store/repos/pipeline-results.repo.js';
import {
  activatePlanVersion,
  addPlanVersion,
  getActivePlan,
  listPlanVersions,
} from '../../src/store/repos/plans.repo.js';
import { addQuarantine, recentQuarantine } from '../../src/store/repos/quarantine.repo.js';
import {
  dealsOfPartner,
  loadTenantRecords,
  softDelete,
  upsertDeals,
  upsertPartners,
} from '../../src/store/repos/records.repo.js';
import {
  freezeStatement,
  getResult,
  listStatements,
  markWritten,
  saveResult,
} from '../../src/store/repos/results.repo.js';
import { getSettings, putSettings } from '../../src/store/repos/settings.repo.js';
import { createTenant, getTenant, listTenants, setTenantStatus } from '../../src/store/repos/tenants.repo.js';
import { getUnranked, listRankKeys, saveUnranked } from '../../src/store/repos/unranked.repo.js';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

const deal = (id: string, partnerId: string, amount: string, status: 'open' | 'won' | 'lost' = 'won') => ({
  record: {
    id,
    name: `Deal ${id}`,
    partnerId,
    accountId: null,
    amount,
    currency: 'CNY',
    status,
    closedAt: '2027-02-01',
    attributes: {},
  },
  raw: { Id: id },
  modifiedAt: '2027-02-01T00:00:00Z',
});

describe.each<StoreKind>(['pglite', 'postgres'])('store repositories on %s', (kind) => {
  let store: TestStore;
  let a: TenantId;
  let b: TenantId;

  beforeAll(async () => {
    store = await createTestStore(kind);
    a = (await createTenant(store.db, { crm: 'zoho', orgId: `org-a-${kind}`, region: 'eu' })).id;
    b = (await createTenant(store.db, { crm: 'fxiaoke', orgId: `org-b-${kind}`, region: 'open.fxiaoke.com' }))
      .id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('creates, reads and changes tenants', async () => {
    const t = await getTenant(store.db, a);
    expect(t).toMatchObject({ crm: 'zoho', region: 'eu', status: 'active', hasCredentials: false });
    const paused = await setTenantStatus(store.db, a, 'paused', 'quota', new Date('2030-01-01T00:00:00Z'));
    expect(paused).toMatchObject({
      status: 'paused',
      statusReason: 'quota',
      pausedUntil: '2030-01-01T00:00:00.000Z',
    });
    await setTenantStatus(store.db, a, 'active');
    expect((await listTenants(store.db)).map((x) => x.id)).toEqual(expect.arrayContaining([a, b]));
    await expect(createTenant(store.db, { crm: 'zoho', orgId: `org-a-${kind}` })).rejects.toThrow();
  });

  it('versions plans with exactly one active per tenant', async () => {
    const v1 = await addPlanVersion(store.db, a, {
      format: 'yaml',
      source: 'a: 1',
      plan: { a: 1 },
      createdBy: 't',
    });
    const v2 = await addPlanVersion(store.db, a, { format: 'json', source: '{}', plan: {}, createdBy: 't' });
    const vb = await addPlanVersion(store.db, b, { format: 'yaml', source: 'b', plan: {}, createdBy: 't' });
    expect([v1.version, v2.version, vb.version]).toEqual([1, 2, 1]);
    expect(await activatePlanVersion(store.db, a, 1)).toBe(true);
    expect(await activatePlanVersion(store.db, a, 2)).toBe(true);
    expect(await activatePlanVersion(store.db, a, 99)).toBe(false);
    expect((await getActivePlan(store.db, a))?.version).toBe(2);
    expect((await listPlanVersions(store.db, a)).filter((v) => v.active)).toHaveLength(1);
    expect(await getActivePlan(store.db, b)).toBeNull();
    // The partial unique index refuses a second active row even from raw SQL.
    await expect(store.db.query('update plans set active = true where tenant_id = $1', [a])).rejects.toThrow(
      /plans_one_active|unique/,
    );
  });

  it('upserts records, reports moved deals, soft-deletes, and keeps tenants apart', async () => {
    await upsertPartners(store.db, a, [
      { record: { id: 'P1', name: 'Alpha', attributes: {} }, raw: {}, modifiedAt: '2027-01-01T00:00:00Z' },
      { record: { id: 'P2', name: 'Beta', attributes: {} }, raw: {}, modifiedAt: '2027-01-01T00:00:00Z' },
    ]);
    await upsertDeals(store.db, a, [deal('D1', 'P1', '100.50'), deal('D2', 'P1', '7')]);
    await upsertDeals(store.db, b, [deal('D1', 'P1', '999')]);
    const moved = await upsertDeals(store.db, a, [deal('D1', 'P2', '100.50')]);
    expect(moved).toEqual([
      {
        dealId: 'D1',
        oldPartnerId: 'P1',
        oldClosedAt: '2027-02-01',
        newPartnerId: 'P2',
        newClosedAt: '2027-02-01',
      },
    ]);
    expect((await dealsOfPartner(store.db, a, 'P1')).map((d) => d.id)).toEqual(['D2']);
    expect(await softDelete(store.db, a, 'deal', ['D2', 'nope'], new Date())).toEqual(['D2']);
    const all = await loadTenantRecords(store.db, a);
    expect(all.deals.map((d) => d.id)).toEqual(['D1']);
    expect(all.deals[0]!.amount).toBe('100.50');
    expect((await loadTenantRecords(store.db, b)).deals[0]!.amount).toBe('999');
  });

  it('never replaces a live record with a version the CRM modified earlier', async () => {
    const at = (d: ReturnType<typeof deal>, modifiedAt: string) => ({ ...d, modifiedAt });
    await upsertDeals(store.db, a, [at(deal('DV', 'P1', '10'), '2027-03-01T10:00:05Z')]);
    // A full sync's snapshot page read before that change arrives after it: ignored.
    expect(await upsertDeals(store.db, a, [at(deal('DV', 'P2', '1'), '2027-03-01T10:00:00Z')])).toEqual([]);
    let stored = (await loadTenantRecords(store.db, a)).deals.find((d) => d.id === 'DV')!;
    expect([stored.partnerId, stored.amount]).toEqual(['P1', '10']);
    // The same second replaces (Zoho stamps whole seconds), and so does a later one.
    await upsertDeals(store.db, a, [at(deal('DV', 'P1', '11'), '2027-03-01T10:00:05Z')]);
    await upsertDeals(store.db, a, [at(deal('DV', 'P1', '12'), '2027-03-01T10:00:09Z')]);
    stored = (await loadTenantRecords(store.db, a)).deals.find((d) => d.id === 'DV')!;
    expect(stored.amount).toBe('12');
    // A soft-deleted record comes back with whatever version is read (a restore may keep its old time).
    await softDelete(store.db, a, 'deal', ['DV'], new Date());
    await upsertDeals(store.db, a, [at(deal('DV', 'P1', '9'), '2027-03-01T09:00:00Z')]);
    stored = (await loadTenantRecords(store.db, a)).deals.find((d) => d.id === 'DV')!;
    expect(stored.amount).toBe('9');
    await softDelete(store.db, a, 'deal', ['DV'], new Date());
  });

  it('dedupes inbox events per tenant and event key', async () => {
    const ev = { eventKey: 'evt-1', entity: 'deal', operation: 'upsert', recordIds: ['D1'] };
    expect(await recordInbox(store.db, a, [ev, ev])).toHaveLength(1);
    expect(await recordInbox(store.db, a, [ev])).toHaveLength(0);
    expect(await recordInbox(store.db, b, [ev])).toHaveLength(1);
    const open = await openInbox(store.db, a);
    await markInbox(
      store.db,
      a,
      open.map((r) => r.id),
      'done',
    );
    expect(await inboxCounts(store.db, a)).toMatchObject({ done: 1, pending: 0 });
    // Marking tenant B's row with tenant A does nothing.
    const openB = await openInbox(store.db, b);
    expect(
      await markInbox(
        store.db,
        a,
        openB.map((r) => r.id),
        'done',
      ),
    ).toBe(0);
  });

  it('saves results only when they change and freezes statements once', async () => {
    const r = {
      partnerId: 'P1',
      period: '2027-Q1',
      planVersion: 2,
      inputsHash: 'h1',
      result: { tier: 'Gold' },
    };
    expect(await saveResult(store.db, a, r)).toBe(true);
    expect(await saveResult(store.db, a, r)).toBe(false);
    await markWritten(store.db, a, 'P1', '2027-Q1', 'h1');
    expect((await getResult(store.db, a, 'P1', '2027-Q1'))?.writebackStatus).toBe('written');
    expect(await saveResult(store.db, a, { ...r, inputsHash: 'h2' })).toBe(true);
    expect((await getResult(store.db, a, 'P1', '2027-Q1'))?.writebackStatus).toBe('pending');
    expect(await getResult(store.db, b, 'P1', '2027-Q1')).toBeNull();
    const st = {
      partnerId: 'P1',
      period: '2027-Q1',
      planVersion: 2,
      inputsHash: 'h2',
      payout: '10.00',
      currency: 'CNY',
      result: {},
    };
    expect(await freezeStatement(store.db, a, st)).toBe(true);
    expect(await freezeStatement(store.db, a, { ...st, payout: '99' })).toBe(false);
    expect((await listStatements(store.db, a))[0]!.payout).toBe('10.00');
  });

  it('reads a period’s ranking keys alone, and whole rows only while their facts are unchanged', async () => {
    await upsertPartners(store.db, a, [
      { record: { id: 'R1', name: 'R1', attributes: {} }, raw: {}, modifiedAt: '2027-01-01T00:00:00Z' },
      { record: { id: 'R2', name: 'R2', attributes: {} }, raw: {}, modifiedAt: '2027-01-01T00:00:00Z' },
    ]);
    const row = (id: string, factsHash: string, score: number) =>
      ({
        result: { partnerId: id, explain: ['a long explain line'] },
        awards: [],
        rankable: { partner: { id, name: id, attributes: {} }, score, baseActual: '1' },
        factsHash,
      }) as unknown as UnrankedResult;
    await saveUnranked(store.db, a, '2031-Q1', 1, [row('R1', 'h1', 10), row('R2', 'h2', 20)]);
    const keys = await listRankKeys(store.db, a, '2031-Q1', 1);
    expect(keys).toEqual([
      { partnerId: 'R1', factsHash: 'h1', rankable: row('R1', 'h1', 10).rankable },
      { partnerId: 'R2', factsHash: 'h2', rankable: row('R2', 'h2', 20).rankable },
    ]);
    expect(await listRankKeys(store.db, b, '2031-Q1', 1)).toEqual([]);
    // A recalculation replaces R1 after the keys were read: its old key no longer reads it.
    await saveUnranked(store.db, a, '2031-Q1', 1, [row('R1', 'h1-new', 30)]);
    const rows = await getUnranked(store.db, a, '2031-Q1', 1, keys);
    expect(rows.map((r) => [r.partnerId, r.factsHash])).toEqual([['R2', 'h2']]);
    expect(rows[0]!.unranked).toEqual(row('R2', 'h2', 20));
    expect(await getUnranked(store.db, b, '2031-Q1', 1, keys)).toEqual([]);
  });

  it('gives a result saved without a facts hash its facts hash once, its numbers unchanged', async () => {
    const r = { partnerId: 'F1', period: '2031-Q2', planVersion: 1, inputsHash: 'in-1', result: { a: 1 } };
    expect(await saveResult(store.db, a, r)).toBe(true);
    expect((await storedHashes(store.db, a, '2031-Q2')).get('F1')?.factsHash).toBeNull();
    expect(await saveResults(store.db, a, [{ ...r, factsHash: 'f-1' }])).toEqual(['F1']);
    expect((await storedHashes(store.db, a, '2031-Q2')).get('F1')).toEqual({
      inputsHash: 'in-1',
      planVersion: 1,
      factsHash: 'f-1',
    });
    expect(await saveResults(store.db, a, [{ ...r, factsHash: 'f-1' }])).toEqual([]);
  });

  it('keeps settings, quarantine, audit and admin keys per tenant', async () => {
    await putSettings(store.db, a, { dealAmountField: 'Amount' });
    expect(await getSettings(store.db, a)).toEqual({ dealAmountField: 'Amount' });
    expect(await getSettings(store.db, b)).toEqual({});
    await addQuarantine(store.db, a, [{ entity: 'deal', recordId: 'X', reason: 'amount missing', raw: {} }]);
    expect(await recentQuarantine(store.db, b)).toEqual([]);
    expect((await recentQuarantine(store.db, a))[0]).toMatchObject({
      recordId: 'X',
      reason: 'amount missing',
    });
    await audit(store.db, a, 'tester', 'plan.activated', { version: 2 });
    expect((await listAudit(store.db, a))[0]).toMatchObject({ action: 'plan.activated' });
    expect(await listAudit(store.db, b)).toEqual([]);
    const k = await createAdminKey(store.db, a, 'ops');
    expect((await authenticateAdminKey(store.db, k.key))?.tenantId).toBe(a);
    const stored = await store.db.query<{ key_hash: string }>('select key_hash from admin_keys');
    expect(JSON.stringify(stored)).not.toContain(k.key);
    expect(await revokeAdminKey(store.db, b, k.keyId)).toBe(false);
    expect(await revokeAdminKey(store.db, a, k.keyId)).toBe(true);
    expect(await authenticateAdminKey(store.db, k.key)).toBeNull();
  });
});
