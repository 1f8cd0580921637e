// The dirty marks that coalesce recalculations (docs/pipeline.md, "Coalescing"): a mark
// bumped after a recalculation read it survives that recalculation's clear (no lost
// update), and a mark is held back only by push rows received before its latest change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '../../src/store/ids.js';
import { markInbox, recordInbox } from '../../src/store/repos/inbox.repo.js';
import { clearDirty, markDirty, readDirty } from '../../src/store/repos/recalc-dirty.repo.js';
import { createTenant } from '../../src/store/repos/tenants.repo.js';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

const P = { partnerId: 'p1', period: '2027-Q1' };
const LONG = 60_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each<StoreKind>(['pglite', 'postgres'])('recalculation dirty marks on %s', (kind) => {
  let store: TestStore;
  let a: TenantId;
  let b: TenantId;

  beforeAll(async () => {
    store = await createTestStore(kind);
    a = (await createTenant(store.db, { crm: 'zoho', orgId: `dirty-a-${kind}`, region: 'eu' })).id;
    b = (await createTenant(store.db, { crm: 'zoho', orgId: `dirty-b-${kind}`, region: 'eu' })).id;
  });

  afterAll(async () => {
    await store?.dispose();
  });

  it('a change marked while a recalculation ran keeps its mark; the next run clears it', async () => {
    expect(await readDirty(store.db, a, P.partnerId, P.period, LONG)).toBeNull();
    await markDirty(store.db, a, [P, P]); // one pass naming a pair twice is one change
    const read = await readDirty(store.db, a, P.partnerId, P.period, LONG);
    expect(read).toMatchObject({ version: '1', syncBehind: false, overdue: false });
    // A sync bumps the mark while the recalculation scores version 1.
    await markDirty(store.db, a, [P]);
    expect(await clearDirty(store.db, a, P.partnerId, P.period, read!.version)).toBe(false);
    const again = await readDirty(store.db, a, P.partnerId, P.period, LONG);
    expect(again?.version).toBe('2');
    expect(await clearDirty(store.db, a, P.partnerId, P.period, again!.version)).toBe(true);
    expect(await readDirty(store.db, a, P.partnerId, P.period, LONG)).toBeNull();
    // Marks are per tenant.
    await markDirty(store.db, b, [P]);
    expect(await readDirty(store.db, a, P.partnerId, P.period, LONG)).toBeNull();
    expect(await readDirty(store.db, b, P.partnerId, P.period, LONG)).not.toBeNull();
  });

  it('is held back only by open push rows received before its latest change, and only until its wait runs out', async () => {
    const q = { partnerId: 'p2', period: '2027-Q1' };
    const push = async (key: string) =>
      (
        await recordInbox(store.db, a, [
          { eventKey: key, entity: 'deal', operation: 'upsert', recordIds: ['d'] },
        ])
      )[0]!.id;
    const first = await push(`e1-${kind}`);
    await markDirty(store.db, a, [q]);
    expect((await readDirty(store.db, a, q.partnerId, q.period, LONG))?.syncBehind).toBe(true);
    // Another tenant's open rows never hold it.
    expect((await readDirty(store.db, b, P.partnerId, P.period, LONG))?.syncBehind).toBe(false);
    await markInbox(store.db, a, [first], 'done');
    expect((await readDirty(store.db, a, q.partnerId, q.period, LONG))?.syncBehind).toBe(false);
    // A push after the latest change does not hold it (a steady stream cannot starve it)…
    const later = await push(`e2-${kind}`);
    expect((await readDirty(store.db, a, q.partnerId, q.period, LONG))?.syncBehind).toBe(false);
    // …until a sync marks the partner again while that push is still open.
    await markDirty(store.db, a, [q]);
    expect((await readDirty(store.db, a, q.partnerId, q.period, LONG))?.syncBehind).toBe(true);
    // The wait is counted from the oldest unscored change, which a new mark does not move.
    await pause(20);
    expect(await readDirty(store.db, a, q.partnerId, q.period, 10)).toMatchObject({
      syncBehind: true,
      overdue: true,
    });
    await markInbox(store.db, a, [later], 'done');
  });
});
