// The dirty marks that coalesce recalculations (docs/pipeline.md, "Coalescing"): a
// period's marks are read as one batch; a mark bumped after a recalculation read it
// survives that recalculation's clear (no lost update), and a partner is held back only
// by push rows received before its latest change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantId } from '../../src/store/ids.js';
import { markInbox, recordInbox } from '../../src/store/repos/inbox.repo.js';
import { clearDirty, markDirty, readDirtyPeriod } from '../../src/store/repos/recalc-dirty.repo.js';
import { createTenant } from '../../src/store/repos/tenants.repo.js';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

const P = { partnerId: 'p1', period: '2027-Q1' };
const Q = { partnerId: 'p1b', period: '2027-Q1' };
const sorted = <T extends { partnerId: string }>(m: T[]) =>
  [...m].sort((x, y) => (x.partnerId < y.partnerId ? -1 : 1));
const LONG = { maxWaitMs: 60_000, settleMs: 0 };
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
    expect(await readDirtyPeriod(store.db, a, P.period, LONG)).toEqual([]);
    await markDirty(store.db, a, [P, P, Q]); // one pass naming a pair twice is one change
    const read = await readDirtyPeriod(store.db, a, P.period, LONG);
    expect(sorted(read)).toEqual([
      { partnerId: 'p1', version: '1', ready: true },
      { partnerId: 'p1b', version: '1', ready: true },
    ]);
    // A sync bumps one partner's mark while the batch scores version 1 of both.
    await markDirty(store.db, a, [P]);
    expect(await clearDirty(store.db, a, P.period, read)).toBe(1);
    const again = await readDirtyPeriod(store.db, a, P.period, LONG);
    expect(again).toEqual([{ partnerId: 'p1', version: '2', ready: true }]);
    expect(await clearDirty(store.db, a, P.period, again)).toBe(1);
    expect(await readDirtyPeriod(store.db, a, P.period, LONG)).toEqual([]);
    // Marks are per tenant and per period.
    await markDirty(store.db, b, [P]);
    await markDirty(store.db, a, [{ partnerId: 'p1', period: '2027-Q2' }]);
    expect(await readDirtyPeriod(store.db, a, P.period, LONG)).toEqual([]);
    expect(await readDirtyPeriod(store.db, b, P.period, LONG)).toHaveLength(1);
  });

  it('a partner is held only by open push rows received before its latest change, and only until its wait runs out', async () => {
    const period = '2027-Q3';
    const q = { partnerId: 'p2', period };
    const push = async (key: string) =>
      (
        await recordInbox(store.db, a, [
          { eventKey: key, entity: 'deal', operation: 'upsert', recordIds: ['d'] },
        ])
      )[0]!.id;
    const ready = async (t: TenantId, per: string, partnerId: string, wait = LONG) =>
      (await readDirtyPeriod(store.db, t, per, wait)).find((m) => m.partnerId === partnerId)?.ready;
    const first = await push(`e1-${kind}`);
    await markDirty(store.db, a, [q]);
    expect(await ready(a, period, 'p2')).toBe(false);
    // Another tenant's open rows never hold it.
    expect(await ready(b, P.period, 'p1')).toBe(true);
    await markInbox(store.db, a, [first], 'done');
    expect(await ready(a, period, 'p2')).toBe(true);
    // A push after the latest change does not hold it (a steady stream cannot starve it)…
    const later = await push(`e2-${kind}`);
    await pause(5);
    expect(await ready(a, period, 'p2')).toBe(true);
    // …until a sync marks the partner again while that push is still open; a partner of
    // the same period marked before that push is not held (the batch takes it alone).
    await markDirty(store.db, a, [q, { partnerId: 'p3', period: '2027-Q4' }]);
    expect(await ready(a, period, 'p2')).toBe(false);
    // The wait is counted from the oldest unscored change, which a new mark does not move.
    await pause(20);
    expect(await ready(a, period, 'p2', { maxWaitMs: 10, settleMs: 0 })).toBe(true);
    await markInbox(store.db, a, [later], 'done');
  });

  it('a batch takes the partners not held and leaves the held ones marked', async () => {
    const period = '2027-Q4';
    await markDirty(store.db, a, [{ partnerId: 'p4', period }]);
    await pause(5);
    const open = (
      await recordInbox(store.db, a, [
        { eventKey: `e3-${kind}`, entity: 'deal', operation: 'upsert', recordIds: ['d'] },
      ])
    )[0]!.id;
    await pause(5);
    await markDirty(store.db, a, [{ partnerId: 'p5', period }]);
    const marks = sorted(await readDirtyPeriod(store.db, a, period, LONG));
    expect(marks.map((m) => [m.partnerId, m.ready])).toEqual([
      ['p3', true], // marked in the test before, whose push is synced since
      ['p4', true],
      ['p5', false],
    ]);
    await markInbox(store.db, a, [open], 'done');
    expect((await readDirtyPeriod(store.db, a, period, LONG)).every((m) => m.ready)).toBe(true);
  });

  it("a partner marked by several passes (a burst) is also held until the tenant's marks have settled, and so is every partner of the tenant meanwhile", async () => {
    // A tenant of its own: partners marked twice above keep the first tenant in a burst.
    const d = (await createTenant(store.db, { crm: 'zoho', orgId: `dirty-d-${kind}`, region: 'eu' })).id;
    const period = '2028-Q1';
    const settle = { maxWaitMs: 60_000, settleMs: 60_000 };
    await markDirty(store.db, d, [{ partnerId: 'p6', period }]);
    expect((await readDirtyPeriod(store.db, d, period, settle))[0]?.ready).toBe(true);
    await markDirty(store.db, d, [{ partnerId: 'p6', period }]);
    expect((await readDirtyPeriod(store.db, d, period, settle))[0]?.ready).toBe(false);
    expect((await readDirtyPeriod(store.db, d, period, LONG))[0]?.ready).toBe(true);
    // …and no longer than its wait.
    await pause(20);
    expect((await readDirtyPeriod(store.db, d, period, { maxWaitMs: 10, settleMs: 60_000 }))[0]?.ready).toBe(
      true,
    );
  });
  it('marks through a shared account or the partner record do not make a burst', async () => {
    // A tenant of its own: the tenant above is in a burst (p6).
    const c = (await createTenant(store.db, { crm: 'zoho', orgId: `dirty-c-${kind}`, region: 'eu' })).id;
    const period = '2028-Q2';
    const settle = { maxWaitMs: 60_000, settleMs: 60_000 };
    const ready = async () => (await readDirtyPeriod(store.db, c, period, settle))[0]?.ready;
    await markDirty(store.db, c, [{ partnerId: 'p7', period }]);
    await markDirty(store.db, c, [{ partnerId: 'p7', period, own: false }]);
    await markDirty(store.db, c, [{ partnerId: 'p7', period, own: false }]);
    expect(await ready()).toBe(true);
    // A second pass changing its own deals does.
    await markDirty(store.db, c, [
      { partnerId: 'p7', period, own: false },
      { partnerId: 'p7', period },
    ]);
    expect(await ready()).toBe(false);
    // While the tenant is in that burst, every partner waits for it to settle, even one marked once.
    await markDirty(store.db, c, [{ partnerId: 'p8', period, own: false }]);
    const p8 = (await readDirtyPeriod(store.db, c, period, settle)).find((m) => m.partnerId === 'p8');
    expect(p8?.ready).toBe(false);
  });
});
