import { describe, expect, it } from 'vitest';
import { toResultFields } from '../../connectors/result-fields.js';
import { score } from '../../src/core/index.js';
import { DEMO_NOW } from '../../widgets/dev/demo-data.js';
import { FixtureWidgetData } from '../../widgets/shared/fixture.data.js';
import { HttpWidgetData } from '../../widgets/shared/http.data.js';
import { metricLabel } from '../../widgets/shared/insights.js';
import { parsePayload } from '../../widgets/shared/payload.schema.js';
import { WidgetDataError, type WidgetPayload } from '../../widgets/shared/types.js';
import { parseDetails, payloadFromRecord } from '../../widgets/zoho/details.js';
import { ZohoWidgetData } from '../../widgets/zoho/zoho.data.js';
import type { ZohoHost } from '../../widgets/zoho/zoho-sdk.js';
import { demo, payloadFor } from './helpers.js';

describe('fixture payloads (the reference for GET /api/widget/partners/:id)', () => {
  it('match the JSON contract after a JSON round trip', () => {
    const p = payloadFor('P1');
    const parsed = parsePayload(JSON.parse(JSON.stringify(p)));
    expect(parsed.ok).toBe(true);
    expect(p.periods[0]).toEqual({ key: '2027-Q1', status: 'current' });
    expect(p.periods.slice(1).every((o) => o.status === 'frozen')).toBe(true);
    expect(p.history.map((h) => h.period)).toEqual([
      '2025-Q4',
      '2026-Q1',
      '2026-Q2',
      '2026-Q3',
      '2026-Q4',
      '2027-Q1',
    ]);
    expect(p.openDeals.map((d) => d.id)).toEqual(['OD1', 'OD2', 'OD3']);
  });

  it('carry the same result the core computes for the examples', () => {
    const doc = score(demo.plan, demo.input, { period: '2027-Q1', computedAt: DEMO_NOW });
    expect(payloadFor('P3').result).toEqual(doc.results.find((r) => r.partnerId === 'P3'));
    expect(payloadFor('P3').result.gatesFailed[0]?.message.en).toBe(
      'Customer satisfaction is 3.6, below the required 4: no payout this period.',
    );
  });

  it('refuse unknown partners and periods outside the picker', async () => {
    const data = new FixtureWidgetData(demo.plan, demo.input, DEMO_NOW);
    await expect(data.load('P404')).rejects.toMatchObject({ reason: 'not-found' });
    await expect(data.load('P1', '2020-Q1')).rejects.toMatchObject({ reason: 'not-found' });
  });

  it('reject a payload with a wrong shape, naming the path', () => {
    const p = JSON.parse(JSON.stringify(payloadFor('P1')));
    p.result.payout.total = 62720; // money must be a decimal string
    const parsed = parsePayload(p);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toBe(
      'result.payout.total: Invalid input: expected string, received number',
    );
  });
});

/** A fetch standing in for the network (the boundary), answering from a script. */
function scriptedFetch(...answers: (Response | Error)[]) {
  const calls: { url: string; auth: string | null }[] = [];
  const impl = (async (url: URL, init?: RequestInit) => {
    calls.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('HTTP data source', () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('sends the session token and the period, and returns the parsed payload', async () => {
    const f = scriptedFetch(json(payloadFor('P1')));
    const data = new HttpWidgetData({
      baseUrl: 'https://ci.example.com/base',
      getToken: async () => 'tok',
      fetch: f.impl,
    });
    const p = await data.load('P 1', '2027-Q1');
    expect(p.result.tier).toBe('Gold');
    expect(f.calls).toEqual([
      { url: 'https://ci.example.com/base/api/widget/partners/P%201?period=2027-Q1', auth: 'Bearer tok' },
    ]);
  });

  it('retries once on 5xx or a network error, then reports the server unreachable', async () => {
    const f = scriptedFetch(json({}, 503), new TypeError('fetch failed'));
    const data = new HttpWidgetData({
      baseUrl: 'https://ci.example.com',
      getToken: async () => 't',
      fetch: f.impl,
    });
    await expect(data.load('P1')).rejects.toMatchObject({ reason: 'unreachable' });
    expect(f.calls).toHaveLength(2);
  });

  it('does not retry 401 and 404, and names a bad body', async () => {
    for (const [status, reason] of [
      [401, 'unauthorized'],
      [404, 'not-found'],
    ] as const) {
      const f = scriptedFetch(json({}, status));
      const data = new HttpWidgetData({
        baseUrl: 'https://x.example',
        getToken: async () => 't',
        fetch: f.impl,
      });
      await expect(data.load('P1')).rejects.toMatchObject({ reason });
      expect(f.calls).toHaveLength(1);
    }
    const f = scriptedFetch(json({ partner: {} }));
    const data = new HttpWidgetData({
      baseUrl: 'https://x.example',
      getToken: async () => 't',
      fetch: f.impl,
    });
    await expect(data.load('P1')).rejects.toMatchObject({ reason: 'bad-response' });
  });
});

describe('Zoho: Incentive_Details and the CRM fallback', () => {
  // Exactly what the write-back stores: the connectors' toResultFields (connectors/result-fields.ts).
  const doc = score(demo.plan, demo.input, { period: '2027-Q1', computedAt: DEMO_NOW });
  const details = (p: WidgetPayload) =>
    toResultFields(doc, doc.results.find((r) => r.partnerId === p.partner.id)!).details;

  it('reads the details the write-back stores, and ignores anything else', () => {
    const p = payloadFor('P1');
    const parsed = parseDetails(details(p));
    expect(parsed?.nextTier).toEqual(p.result.nextTier);
    expect(parsed?.payout).toEqual(p.result.payout);
    expect(parseDetails('{"v":2}')).toBeNull();
    expect(parseDetails('not json')).toBeNull();
  });

  it('renders a stored result as the same view data, labels made from metric keys', () => {
    const p = payloadFor('P3');
    const fromRecord = payloadFromRecord(
      'P3',
      { Account_Name: 'Northwind Resellers' },
      parseDetails(details(p))!,
    );
    const r = fromRecord.result;
    expect([r.score, r.tier, r.payout.total, r.rank.overall, r.rank.of.overall]).toEqual([
      39.5,
      'Registered',
      '0.00',
      4,
      5,
    ]);
    expect(r.gatesFailed[0]?.message.en).toBe(
      'Customer satisfaction is 3.6, below the required 4: no payout this period.',
    );
    expect(r.feedback).toEqual(p.result.feedback);
    expect(metricLabel(null, 'newCustomers', 'en')).toBe('New customers');
  });

  const host = (record: Record<string, unknown> | Error): ZohoHost => ({
    start: async () => {},
    resize: async () => {},
    executeFunction: async () => '{}',
    getRecord: async () => {
      if (record instanceof Error) throw record;
      return record;
    },
  });
  const down = { load: async () => Promise.reject(new WidgetDataError('unreachable', 'down')) };

  it('prefers the server payload and takes the name from the CRM record', async () => {
    const data = new ZohoWidgetData(
      host({ Account_Name: 'Acme (CRM)' }),
      new FixtureWidgetData(demo.plan, demo.input, DEMO_NOW),
    );
    const p = await data.load('P1');
    expect(p.partner.name).toBe('Acme (CRM)');
    expect(p.plan).not.toBeNull();
    expect(p.degraded).toBeUndefined();
  });

  it('falls back to the stored result when our server is down, without plan or what-if', async () => {
    const data = new ZohoWidgetData(
      host({ Account_Name: 'Acme', Incentive_Details: details(payloadFor('P1')) }),
      down,
    );
    const p = await data.load('P1');
    expect(p.degraded).toBe(true);
    expect(p.result.tier).toBe('Gold');
    expect(p.input).toBeNull();
  });

  it("fails with the server's reason when the record has no stored result, and with the CRM's when both fail", async () => {
    const data = new ZohoWidgetData(host({ Account_Name: 'Acme' }), down);
    await expect(data.load('P1')).rejects.toMatchObject({ reason: 'unreachable' });
    const notYet = { load: async () => Promise.reject(new WidgetDataError('not-found', 'no result')) };
    await expect(new ZohoWidgetData(host({ Account_Name: 'Acme' }), notYet).load('P1')).rejects.toMatchObject(
      {
        reason: 'not-found',
      },
    );
    const broken = new ZohoWidgetData(host(new WidgetDataError('host', 'no record')), down);
    await expect(broken.load('P1')).rejects.toMatchObject({ reason: 'host' });
  });
});

describe('the what-if input slice', () => {
  it('scores every partner exactly as the whole input does (all but rank)', async () => {
    const { sliceInput } = await import('../../widgets/shared/fixture.data.js');
    const full = score(demo.plan, demo.input, { period: '2027-Q1', computedAt: DEMO_NOW });
    for (const whole of full.results) {
      const slice = sliceInput(demo.input, whole.partnerId);
      const part = score(demo.plan, slice, { period: '2027-Q1', computedAt: DEMO_NOW }).results.find(
        (r) => r.partnerId === whole.partnerId,
      )!;
      const { rank: _a, inputsHash: _b, explain: _c, awards: _d, ...same } = whole;
      expect(part).toMatchObject(same);
      expect((slice.deals as unknown[]).length).toBeLessThan((demo.input.deals as unknown[]).length);
    }
  });
});
