// The Zoho widget through our real server (not the dev stand-in): a Zoho record page on
// another origin (widgets/host/zoho-host.html, the CRM side of Zoho's embedding protocol)
// frames /widgets/zoho/index.html; the widget runs the admin's session function (signed
// here with the secret the admin API issued), exchanges the proof for a session, reads the
// Account through the SDK and the results from the store, under the widget CSP. A proof
// signed with another secret is refused.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signProof } from '../../connectors/zoho/zoho.widget.js';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { contentTypeOf } from '../../src/lib/content-types.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
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
let crm: Server;
let crmOrigin = '';
let appOrigin = '';
let browser: Browser;
let zoho: SeededTenant;
let root = '';
let secret = '';
/** What the stand-in Zoho signs the session function's proof with (the tenant's, or a wrong one). */
let signWith = () => secret;

beforeAll(async () => {
  root = await buildWidgetsToTemp();
  // The CRM: the host page and its assets, the Account records, and Zoho running the session function.
  crm = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://crm').pathname;
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/fixtures/zoho/Accounts')
      return json(
        200,
        zoho.input.partners.map((p) => ({ id: p.id, name: p.name })),
      );
    const rec = /^\/fixtures\/zoho\/Accounts\/([^/]+)$/.exec(path);
    if (rec) {
      const p = zoho.input.partners.find((x) => x.id === decodeURIComponent(rec[1]!));
      return p
        ? json(200, { data: [{ id: p.id, Account_Name: p.name }] })
        : json(404, { code: 'INVALID_DATA', message: 'no such record' });
    }
    if (path === '/fixtures/zoho/function/ci_widget_session' && req.method === 'POST') {
      const proof = { tenant: zoho.tenantId, user: 'sales.ops@example.com', time: NOW.getTime() };
      return json(200, { output: JSON.stringify({ ...proof, signature: signProof(signWith(), proof) }) });
    }
    const file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(root + sep) || !/^\/(host|assets)\//.test(path)) return json(404, {});
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': contentTypeOf(file) ?? 'application/octet-stream' });
        res.end(body);
      },
      () => json(404, {}),
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
  zoho = await seedTenant(app.store.db, app.keyring, { crm: 'zoho', orgId: 'org-zoho-widget' });
  // The admin asks for the session function to paste into Zoho; it carries the tenant's secret.
  const key = (await createAdminKey(app.store.db, zoho.tenantId, 'test')).key;
  const fn = await app.app.inject({
    method: 'POST',
    url: `${ADMIN_PREFIX}/tenants/${zoho.tenantId}/widget/zoho-function`,
    headers: { authorization: `Bearer ${key}` },
  });
  secret = /key = "([^"]+)"/.exec(fn.json().source)![1]!;
  await app.app.listen({ host: '127.0.0.1', port });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
  await new Promise<void>((r) => (crm ? crm.close(() => r()) : r()));
  if (root) rmSync(root, { recursive: true, force: true });
});

const context = (locale: string) =>
  loopbackContext(browser, {
    locale,
    width: 1000,
    height: 1400,
    zohoSdk: join(root, 'host', 'zoho-sdk-standin.js'),
  });

const hostUrl = (record: string, lang: string) =>
  `${crmOrigin}/host/zoho-host.html?${new URLSearchParams({
    widgetOrigin: appOrigin,
    widgetBase: `${appOrigin}/widgets`,
    record,
    lang,
  })}`;

describe('Zoho widget through our server', () => {
  it('signs in with the session function and renders the partner under the widget CSP', async () => {
    const c = await context('en-US');
    const page = await c.newPage();
    const { problems, headers } = watchPage(page);
    await page.goto(hostUrl('P1', 'en'));
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    await frame.waitForSelector('main[data-state=ready]', { timeout: 30_000 });
    expect(await frame.textContent('.partner-name')).toBe('Acme Distribution');
    expect((await frame.textContent('[data-testid=tier]'))?.trim()).toBe('Gold');
    expect((await frame.textContent('[data-testid=payout]'))?.trim()).toBe('¥62,720');
    // The session came from the exchange, the partner from our store (stored results).
    expect(Object.keys(headers)).toContain('/api/widget/session');
    expect(Object.keys(headers)).toContain('/api/widget/partners/P1');
    const csp = headers['/widgets/zoho/index.html']!['content-security-policy']!;
    expect(csp).toContain(`frame-ancestors ${crmOrigin}`);
    expect(headers['/widgets/zoho/index.html']!['x-frame-options']).toBeUndefined();
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'server-zoho-en.png'), fullPage: true });
    await c.close();
  });

  it('renders in Chinese', async () => {
    const c = await context('zh-CN');
    const page = await c.newPage();
    await page.goto(hostUrl('P2', 'zh-CN'));
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    await frame.waitForSelector('main[data-state=ready]', { timeout: 30_000 });
    expect(await frame.textContent('.partner-name')).toBe('华东科技有限公司');
    expect(await frame.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.screenshot({ path: join(ARTIFACTS, 'server-zoho-zh.png'), fullPage: true });
    await c.close();
  });

  it('a proof signed with another secret gets no session and no server data', async () => {
    signWith = () => 'not-the-tenant-secret';
    try {
      const c = await context('en-US');
      const page = await c.newPage();
      const statuses: Record<string, number> = {};
      page.on('response', (r) => {
        statuses[new URL(r.url()).pathname] = r.status();
      });
      await page.goto(hostUrl('P1', 'en'));
      const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
      await frame.waitForSelector('main[data-state]:not([data-state=loading])', { timeout: 30_000 });
      expect(statuses['/api/widget/session']).toBe(401);
      expect(statuses['/api/widget/partners/P1']).toBeUndefined();
      // The record carries no stored result either, so the widget says it has no access.
      expect(await frame.getAttribute('main', 'data-state')).toBe('error');
      expect(await frame.textContent('main')).toContain('no access to this partner');
      await c.close();
    } finally {
      signWith = () => secret;
    }
  });
});
