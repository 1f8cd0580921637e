// The durable marks of owed rankings (docs/pipeline.md, "Ranks after a burst of pushes"):
// a ranking that read the rows before a later ask does not clear it (no lost ranking),
// a period nothing will rank clears whatever its time, and only marks older than the
// threshold count as stale, per tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '../../src/store/ids.js';
import {
  clearRankPending,
  markRankPending,
  rankAskedWithin,
  staleRankPending,
} from '../../src/store/repos/rank-pending.repo.js';
import { createTenant } from '../../src/store/repos/tenants.repo.js';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

const later = () => new Date(Date.now() + 60_000);

describe.each<StoreKind>(['pglite', 'postgres'])('owed rankings on %s', (kind) => {
  let store: TestStore;
  let a: TenantId;
  let b: TenantId;
  const dbNow = async () => (await store.db.query<{ now: Date }>('select now() as now'))[0]!.now;

  beforeAll(async () => {
    store = await createTestStore(kind);
    a = (await createTenant(store.db, { crm: 'zoho', orgId: `rank-a-${kind}`, region: 'eu' })).id;
    b = (await createTenant(store.db, { crm: 'zoho', orgId: `rank-b-${kind}`, region: 'eu' })).id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('a ranking clears the mark only if no ranking was asked for after its read', async () => {
    await markRankPending(store.db, a, '2027-Q1');
    const read = await dbNow();
    await new Promise((r) => setTimeout(r, 5));
    await markRankPending(store.db, a, '2027-Q1'); // asked for again after that read
    await clearRankPending(store.db, a, '2027-Q1', read);
    expect(await staleRankPending(store.db, a, later(), 10)).toEqual(['2027-Q1']);
    await clearRankPending(store.db, a, '2027-Q1', await dbNow());
    expect(await staleRankPending(store.db, a, later(), 10)).toEqual([]);
  });

  it('a fresh mark is not stale; another tenant’s marks are not listed; a period never ranked clears at once', async () => {
    await markRankPending(store.db, a, '2027-Q2');
    await markRankPending(store.db, b, '2027-Q3');
    expect(await staleRankPending(store.db, a, new Date(Date.now() - 60_000), 10)).toEqual([]);
    expect(await staleRankPending(store.db, a, later(), 10)).toEqual(['2027-Q2']);
    await clearRankPending(store.db, a, '2027-Q2'); // closed period or no plan: whatever its time
    expect(await staleRankPending(store.db, a, later(), 10)).toEqual([]);
    expect(await staleRankPending(store.db, b, later(), 10)).toEqual(['2027-Q3']);
  });

  it('tells whether a ranking was asked for lately (a rank sweep waits while pushes keep asking)', async () => {
    await markRankPending(store.db, a, '2027-Q4');
    expect(await rankAskedWithin(store.db, a, '2027-Q4', 60_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(await rankAskedWithin(store.db, a, '2027-Q4', 10)).toBe(false);
    expect(await rankAskedWithin(store.db, b, '2027-Q4', 60_000)).toBe(false);
  });
});
