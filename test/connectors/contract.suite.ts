// The connector contract suite: every CrmConnector runs it against its own seeded
// sandbox. A connector folder provides a harness (how to start the sandbox, build a
// connector for the seeded tenant, and act like a CRM user) and calls
// `runContractSuite(harness)` from a *.test.ts file. Nothing here knows a CRM.
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmConnector, ErrorClass, Page, WebhookRequest } from '../../connectors/contract.js';
import { CrmError } from '../../connectors/contract.js';
import { AccountSchema, DealSchema, PartnerSchema } from '../../src/core/input.js';

export interface ContractHarness {
  /** Shown in the describe block. */
  name: string;
  /** Starts and seeds the sandbox. */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A connector for the seeded tenant. Each call may return a new instance (as jobs would build). */
  connector(): CrmConnector;
  /** What the seed holds (records the connector must return as items or quarantined). */
  seeded(): { partners: number; accounts: number; deals: number };
  /** Changes one deal as a CRM user would (e.g. marks it won); returns its id. */
  changeDeal(): Promise<{ dealId: string }>;
  /** Deletes one deal as a CRM user would; omit when the CRM has no deletion feed. */
  deleteDeal?(): Promise<{ dealId: string }>;
  /** Reads a partner's result fields straight from the sandbox (no API call); null if unknown. */
  readPartnerResult(partnerId: string): Promise<Record<string, unknown> | null>;
  /** Looks like a partner id but does not exist. */
  unknownPartnerId: string;
  /** Errors as the CRM produces them, with the class the connector must give each. */
  errorSamples: { name: string; error: unknown; kind: ErrorClass['kind'] }[];
  /** Smallest granularity of the CRM's modified time, in ms (Zoho: 1000). */
  clockGranularityMs?: number;
  /**
   * For CRMs without a subscription API (subscribe() returns a manual channel): does in the
   * sandbox what the admin guide has an admin do, so pushes for changes reach `notifyUrl`.
   * Omit when subscribe() itself registers the URL.
   */
  registerPushManually?(notifyUrl: string): Promise<void>;
}

async function collect<T>(it: AsyncIterable<Page<T>>, max = Number.POSITIVE_INFINITY) {
  const pages: Page<T>[] = [];
  for await (const p of it) {
    pages.push(p);
    if (pages.length >= max) break;
  }
  return pages;
}

const ids = <T extends { id: string }>(pages: Page<T>[]) => [
  ...pages.flatMap((p) => p.items.map((i) => i.record.id)),
  ...pages.flatMap((p) => p.quarantined.map((q) => q.id)),
];

function sampleFields(i: number) {
  return {
    tier: i % 2 ? 'Gold' : 'Silver',
    score: 87.5 + i,
    payout: `${1000 + i}.25`,
    period: '2027-Q1',
    rank: i + 1,
    nextTier: 'Platinum',
    nextTierGap: 12.5,
    awards: 'Top Partner',
    updated: '2027-02-01T08:00:00Z',
    details: JSON.stringify({ v: 1, tier: i % 2 ? 'Gold' : 'Silver' }),
    inputsHash: `hash-${i}`,
  };
}

export function runContractSuite(h: ContractHarness): void {
  describe(`connector contract: ${h.name}`, () => {
    beforeAll(() => h.setup(), 120_000);
    afterAll(() => h.teardown());

    it('lists every partner exactly once, normalized, and ends with a null cursor', async () => {
      const pages = await collect(h.connector().listPartners());
      const all = ids(pages);
      expect(all.length).toBe(h.seeded().partners);
      expect(new Set(all).size).toBe(all.length);
      for (const p of pages)
        for (const i of p.items) expect(PartnerSchema.safeParse(i.record).success).toBe(true);
      expect(pages.at(-1)!.cursor).toBeNull();
    });

    it('lists customer accounts apart from partners', async () => {
      const accounts = ids(await collect(h.connector().listAccounts()));
      const partners = new Set(ids(await collect(h.connector().listPartners())));
      expect(accounts.length).toBe(h.seeded().accounts);
      expect(accounts.some((id) => partners.has(id))).toBe(false);
      const pages = await collect(h.connector().listAccounts(), 1);
      for (const i of pages[0]!.items) expect(AccountSchema.safeParse(i.record).success).toBe(true);
    });

    it('pages deals and resumes from a cursor in a new connector without gaps or repeats', async () => {
      const first = await collect(h.connector().listDeals(), 1);
      const cursor = first[0]!.cursor;
      expect(cursor, 'the seed must hold more deals than one page').not.toBeNull();
      const rest = await collect(h.connector().listDeals({ cursor }));
      const all = [...ids(first), ...ids(rest)];
      expect(all.length).toBe(h.seeded().deals);
      expect(new Set(all).size).toBe(all.length);
      for (const p of [...first, ...rest]) {
        for (const i of p.items) {
          expect(DealSchema.safeParse(i.record).success).toBe(true);
          expect(typeof i.modifiedAt).toBe('string');
        }
        for (const q of p.quarantined) expect(q.reason.length).toBeGreaterThan(0);
      }
    });

    it('returns only what changed since a given time (delta)', async () => {
      const before = new Date(Date.now() - (h.clockGranularityMs ?? 1000));
      const { dealId } = await h.changeDeal();
      const delta = ids(await collect(h.connector().listDeals({ since: before })));
      expect(delta).toContain(dealId);
      expect(delta.length).toBeLessThan(h.seeded().deals);
    });

    it('fetches deals by id; unknown ids are simply absent', async () => {
      const some = ids(await collect(h.connector().listDeals(), 1)).slice(0, 3);
      const page = await h.connector().getDeals([...some, h.unknownPartnerId]);
      const got = [...page.items.map((i) => i.record.id), ...page.quarantined.map((q) => q.id)];
      expect(got.sort()).toEqual([...some].sort());
    });

    if (h.deleteDeal) {
      it('reports deleted deals since a given time', async () => {
        const before = new Date(Date.now() - (h.clockGranularityMs ?? 1000));
        const { dealId } = await h.deleteDeal!();
        const seen: string[] = [];
        for await (const batch of h.connector().listDeleted(before)) {
          for (const d of batch) if (d.entity === 'deal') seen.push(d.id);
        }
        expect(seen).toContain(dealId);
      });
    }

    it('installs result fields idempotently', async () => {
      const first = await h.connector().installFields();
      const second = await h.connector().installFields();
      expect(second.created).toEqual([]);
      expect([...second.present].sort()).toEqual([...first.present, ...first.created].sort());
      expect(second.missing.map((m) => m.apiName).sort()).toEqual(first.missing.map((m) => m.apiName).sort());
    });

    it('writes results with one outcome per record, in order, across several batches', async () => {
      const c = h.connector();
      const partners = ids(await collect(c.listPartners())).slice(0, c.limits.writeBatchSize + 5);
      const rows = [...partners, h.unknownPartnerId].map((partnerId, i) => ({
        partnerId,
        fields: sampleFields(i),
      }));
      const outcomes = await c.writeResults(rows);
      expect(outcomes.map((o) => o.partnerId)).toEqual(rows.map((r) => r.partnerId));
      expect(outcomes.slice(0, partners.length).every((o) => o.ok)).toBe(true);
      const last = outcomes.at(-1)!;
      expect(last.ok).toBe(false);
      if (!last.ok) expect(last.error.kind).toBe('permanent');
      const written = await h.readPartnerResult(partners[1]!);
      expect(JSON.stringify(written)).toContain('Gold');
    });

    it('subscribes, receives a real push for a changed deal, verifies it, and rejects a tampered one', async () => {
      const received: { headers: IncomingHttpHeaders; url: string; body: Buffer }[] = [];
      let wake: () => void = () => {};
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, url: req.url ?? '/', body: Buffer.concat(chunks) });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
          wake();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const port = (server.address() as AddressInfo).port;
        const notifyUrl = `http://127.0.0.1:${port}/webhooks/contract`;
        const c = h.connector();
        const sub = await c.subscribe(notifyUrl);
        expect(sub.channelId).toBeTruthy();
        await h.registerPushManually?.(notifyUrl);
        const arrived = new Promise<void>((r) => {
          wake = r;
        });
        const { dealId } = await h.changeDeal();
        await Promise.race([
          arrived,
          new Promise((_, rej) => setTimeout(() => rej(new Error('no push within 10 s')), 10_000)),
        ]);
        const push = received.at(-1)!;
        const url = new URL(push.url, 'http://x');
        const req: WebhookRequest = {
          headers: push.headers,
          query: Object.fromEntries(url.searchParams),
          rawBody: push.body,
        };
        const verdict = await h.connector().verifyWebhook(req);
        expect(verdict.ok).toBe(true);
        if (verdict.ok) {
          expect(verdict.events.some((e) => e.entity === 'deal' && e.ids.includes(dealId))).toBe(true);
          for (const e of verdict.events) expect(e.eventKey.length).toBeGreaterThan(0);
        }
        const tampered: WebhookRequest = {
          headers: push.headers,
          query: {},
          rawBody: Buffer.from(push.body.toString('utf8').replace(/\d/, (d) => String((Number(d) + 1) % 10))),
        };
        const bad = await c.verifyWebhook(tampered);
        expect(bad.ok).toBe(false);
        const renewed = await c.renew(notifyUrl);
        expect(renewed.channelId).toBe(sub.channelId);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('classifies errors the CRM produces, keeps CrmError classes, and retries transport failures', () => {
      const c = h.connector();
      for (const s of h.errorSamples) expect(c.classify(s.error).kind, s.name).toBe(s.kind);
      const own = new CrmError('x', { kind: 'needsReauth', reason: 'test' });
      expect(c.classify(own)).toEqual(own.classification);
      expect(
        c.classify(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind,
      ).toBe('retryable');
    });

    it('declares limits the job layer can pace by', () => {
      const l = h.connector().limits;
      expect(l.writeBatchSize).toBeGreaterThan(0);
      expect(l.readPageSize).toBeGreaterThan(0);
      expect(l.concurrency).toBeGreaterThan(0);
    });
  });
}
