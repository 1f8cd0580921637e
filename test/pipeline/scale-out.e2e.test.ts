// Scale-out (issue 8): one `serve --role api` and three `serve --role worker` processes
// against one PostgreSQL database and one Redis share a full sync + scoring +
// write-back and then a burst of genuine pushes (the Zoho sandbox, subscribed by the
// workers' maintenance task, POSTs to the api's webhook route) with no duplicate
// effect: the full run writes each partner exactly once, every push is processed,
// the CRM ends equal to a from-scratch run, and more than one worker did the work
// (each process's own /metrics).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxCounts } from '../../src/store/repos/inbox.repo.js';
import { countWriteback } from '../../src/store/repos/pipeline-results.repo.js';
import { getSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { completedJobs } from '../runtime/helpers/serve-process.js';
import { type Cluster, startCluster } from './helpers/cluster.js';

const PARTNERS = 100;
const PUSHES = 300;
let c: Cluster;

beforeAll(async () => {
  c = await startCluster({ seed: { seed: 9, partners: PARTNERS, deals: 3000 } });
  await c.start('api');
  await Promise.all([c.start('worker'), c.start('worker'), c.start('worker')]);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
}, 60_000);

describe('1 api + 3 workers on one Redis and one PostgreSQL', () => {
  it('share a full sync + scoring + write-back: each partner written exactly once, CRM equal to a from-scratch run', async () => {
    const run = await c.wait((await c.request('full')).runId);
    expect(run).toMatchObject({ status: 'done', error: null });
    await c.idle();
    const check = await c.check();
    expect(check.partners).toBe(PARTNERS);
    expect(check.mismatched).toEqual([]);
    expect(check.storedDiffer).toEqual([]);
    const writes = [...c.sb.updateAttempts.values()];
    expect(writes).toHaveLength(PARTNERS);
    expect(writes.every((n) => n === 1)).toBe(true);
  }, 120_000);

  it(`share a burst of ${PUSHES} pushes: every push in the inbox once and done, CRM equal to a from-scratch run, work on more than one worker`, async () => {
    // The workers' maintenance task subscribed the sandbox to the api's webhook URL.
    const deadline = Date.now() + 30_000;
    while (!(await getSubscription(c.store.db, c.tenantId))) {
      if (Date.now() > deadline) throw new Error('no push subscription within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const before = await Promise.all(c.live('worker').map(completedJobs));
    const byPartner = new Map<string, string[]>();
    for (const d of c.sb.org.module('Deals')!.records.values()) {
      const partner = (d.Channel_Partner as { id: string } | null)?.id;
      const close = String(d.Closing_Date);
      if (!partner || d.Amount == null || close < '2026-10-02' || close > '2026-12-30') continue;
      byPartner.set(partner, [...(byPartner.get(partner) ?? []), d.id]);
    }
    const lists = [...byPartner.values()];
    const waves = Math.ceil(PUSHES / lists.length);
    const edits = Array.from({ length: waves }, (_, w) => lists.map((ids) => ids[w % ids.length]!))
      .flat()
      .slice(0, PUSHES);
    // Waves 50 ms apart: one record edited twice in one millisecond would rightly be one push.
    for (let i = 0; i < edits.length; i += lists.length) {
      for (const id of edits.slice(i, i + lists.length)) {
        const d = c.sb.org.module('Deals')!.records.get(id)!;
        c.sb.userUpdate('Deals', id, { Stage: 'Closed Won', Amount: Number(d.Amount) + 1000 });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.sb.watch.idle();
    await c.idle(120_000);

    expect(await inboxCounts(c.store.db, c.tenantId)).toEqual({
      pending: 0,
      enqueued: 0,
      done: PUSHES,
      failed: 0,
    });
    const check = await c.check();
    expect(check.mismatched).toEqual([]);
    expect(check.storedDiffer).toEqual([]);
    expect(await countWriteback(c.store.db, c.tenantId)).toMatchObject({ pending: 0, failed: 0 });

    const after = await Promise.all(c.live('worker').map(completedJobs));
    const share = after.map((a, i) =>
      ['sync', 'recalc', 'writeback'].reduce((n, q) => n + (a[q] ?? 0) - (before[i]![q] ?? 0), 0),
    );
    console.info(`scale-out burst: pipeline jobs completed per worker ${JSON.stringify(share)}`);
    expect(share.filter((n) => n > 0).length).toBeGreaterThan(1);
  }, 180_000);
});
