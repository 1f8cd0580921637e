// The Fxiaoke widget through our real server (not the dev stand-in): a CRM page on another
// origin frames /fxiaoke/start; the OAuth code flow runs against the Fxiaoke sandbox; the
// session lands in the page's fragment; the widget renders the partner from the stored
// results under the widget CSP. A partner of another tenant is refused.

import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { upsertPartners } from '../../src/store/repos/records.repo.js';
import { type Harness as AppHarness, harness } from '../http/harness.js';
import { NOW, type SeededTenant, seedTenant } from '../http/widget.fixture.js';
import {
  ARTIFACTS,
  buildWidgetsToTemp,
  CHROMIUM,
  CHROMIUM_FLAGS,
  freePort,
  loopbackContext,
  watchPage,
} from './browser.js';

let app: AppHarness;
let sandbox: FxiaokeSandbox;
let crm: Server;
let crmOrigin = '';
let appOrigin = '';
let browser: Browser;
let fx: SeededTenant;
let root = '';

beforeAll(async () => {
  root = await buildWidgetsToTemp();
  sandbox = await startFxiaokeSandbox({ partners: 3, accounts: 3, opportunities: 10 });
  // The CRM page: a PartnerObj layout whose embedded page is our /fxiaoke/start.
  crm = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://crm');
    const src = `${appOrigin}/fxiaoke/start?${url.searchParams}`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>PartnerObj</title><h1>合作伙伴</h1><iframe id="widget" title="incentives" src="${src.replace(/&/g, '&amp;')}" style="width:960px;height:1400px;border:0"></iframe>`,
    );
  });
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', () => r()));
  crmOrigin = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  const port = await freePort();
  appOrigin = `http://127.0.0.1:${port}`;
  app = await harness({
    widget: { root, now: () => NOW, frameAncestors: [crmOrigin] },
    publicUrl: appOrigin,
  });
  fx = await seedTenant(app.store.db, app.keyring, {
    crm: 'fxiaoke',
    orgId: SANDBOX_TENANT.ea,
    credentials: {
      appId: SANDBOX_APP.appId,
      appSecret: SANDBOX_APP.appSecret,
      permanentCode: SANDBOX_APP.permanentCode,
    },
    settings: { baseUrl: sandbox.url },
  });
  // Another tenant with a partner only it has.
  const other = await seedTenant(app.store.db, app.keyring, { crm: 'zoho', orgId: 'org-other' });
  await upsertPartners(app.store.db, other.tenantId, [
    {
      record: { id: 'PX', name: 'Only in the other tenant', level: null, region: null, attributes: {} },
      raw: null,
      modifiedAt: NOW.toISOString(),
    },
  ]);
  await app.app.listen({ host: '127.0.0.1', port });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
  await sandbox?.close();
  await new Promise<void>((r) => (crm ? crm.close(() => r()) : r()));
  if (root) rmSync(root, { recursive: true, force: true });
});

const context = (locale: string) => loopbackContext(browser, { locale, width: 1000, height: 1500 });

describe('Fxiaoke widget through our server', () => {
  it('signs in through the Fxiaoke sandbox and renders the partner under the widget CSP', async () => {
    const c = await context('en-US');
    const page = await c.newPage();
    const { problems, headers } = watchPage(page);
    await page.goto(`${crmOrigin}/?tenant=${fx.tenantId}&partnerId=P1&lang=en`);
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    await frame.waitForSelector('main[data-state=ready]', { timeout: 30_000 });
    expect(await frame.textContent('.partner-name')).toBe('Acme Distribution');
    expect((await frame.textContent('[data-testid=tier]'))?.trim()).toBe('Gold');
    expect((await frame.textContent('[data-testid=score]'))?.trim()).toBe('99.92');
    expect((await frame.textContent('[data-testid=payout]'))?.trim()).toBe('¥62,720');
    expect(await frame.locator('[role=progressbar]').count()).toBe(4);
    // The session went through the fragment and left the address bar.
    expect(frame.url()).toBe(`${appOrigin}/widgets/fxiaoke/index.html?partnerId=P1&lang=en`);
    // The page came with the widget policy naming the CRM as the only framer; the API kept 'none'.
    const pageCsp = headers['/widgets/fxiaoke/index.html']!['content-security-policy']!;
    expect(pageCsp).toContain(`frame-ancestors ${crmOrigin}`);
    expect(pageCsp).toContain("script-src 'self' https://live.zwidgets.com");
    expect(headers['/widgets/fxiaoke/index.html']!['x-frame-options']).toBeUndefined();
    expect(headers['/api/widget/partners/P1']!['x-frame-options']).toBe('DENY');
    expect(headers['/api/widget/partners/P1']!['content-security-policy']).toContain(
      "frame-ancestors 'none'",
    );
    // What-if runs in the browser on the slice the server sent.
    await frame.check('input[data-deal=OD1]');
    await frame.check('input[data-deal=OD2]');
    expect((await frame.textContent('[data-testid=whatif-tier]'))?.trim()).toBe('Tier Gold → Platinum');
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'server-fxiaoke-en.png'), fullPage: true });
    await c.close();
  });

  it('refuses a partner of another tenant (404 → no results), in Chinese', async () => {
    const c = await context('zh-CN');
    const page = await c.newPage();
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/widget/partners/')) statuses.push(r.status());
    });
    await page.goto(`${crmOrigin}/?tenant=${fx.tenantId}&partnerId=PX&lang=zh-CN`);
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    await frame.waitForSelector('main[data-state=error]', { timeout: 30_000 });
    expect((await frame.textContent('[data-testid=error-message]'))?.trim()).toBe('该合作伙伴暂无激励结果。');
    expect(statuses).toEqual([404]);
    expect(await frame.content()).not.toContain('Only in the other tenant');
    await c.close();
  });

  it('the programme overview in Chinese: leaderboard, tiers, gate risks, region filter, CSV', async () => {
    const c = await context('zh-CN');
    const page = await c.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) problems.push(m.text());
    });
    await page.goto(`${crmOrigin}/?tenant=${fx.tenantId}&view=overview&lang=zh-CN`);
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    await frame.waitForSelector('main[data-state=ready]', { timeout: 30_000 });
    expect(frame.url()).toBe(`${appOrigin}/widgets/overview/index.html?lang=zh-CN`);
    expect((await frame.textContent('h1'))?.trim()).toBe('激励计划总览');
    const rows = frame.locator('[data-testid=leaderboard] tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await rows.first().getAttribute('data-partner')).toBe('P1');
    expect((await frame.textContent('[data-testid=partners]'))?.trim()).toBe('5');
    expect(await frame.locator('[data-testid=risks] li').first().textContent()).toContain(
      'Northwind Resellers',
    );
    expect(await frame.getByLabel('区域').count()).toBe(1);
    await frame.selectOption('#ov-region', 'East');
    await frame.waitForFunction(
      () => document.querySelectorAll('[data-testid=leaderboard] tbody tr').length < 5,
    );
    expect(await frame.locator('#ov-region').evaluate((e) => (e as HTMLSelectElement).value)).toBe('East');
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'server-overview-zh.png'), fullPage: true });
    // The CSV download goes through the same session.
    const download = frame.page().waitForEvent('download');
    await frame.click('.ov-download');
    expect((await download).suggestedFilename()).toBe('incentives-2027-Q1-East.csv');
    await c.close();
  });

  it('a page framed by an origin the policy does not name is blocked', async () => {
    const c = await context('en-US');
    const page = await c.newPage();
    // The sandbox's origin is not a frame ancestor: frame our page from there.
    await page.route(`${sandbox.url}/host`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<iframe id="widget" src="${appOrigin}/widgets/fxiaoke/index.html?partnerId=P1"></iframe>`,
      }),
    );
    await page.goto(`${sandbox.url}/host`);
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    // Chromium replaces a refused frame with its error page: the widget never runs.
    await expect.poll(() => frame.url(), { timeout: 10_000 }).toBe('chrome-error://chromewebdata/');
    expect(await frame.locator('main').count()).toBe(0);
    await c.close();
  });
});
