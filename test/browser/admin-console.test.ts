// The admin console against our real server (PGlite store, seeded programme): sign in with a
// tenant key, an invalid plan shows its problems at their lines, a candidate plan previews
// who moves tier and the payout change, then is saved and activated; status, subscription
// and audit show; the page switches to Chinese; a bad key is refused; nobody may frame it.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { parsePlanSource } from '../../src/jobs/plan-source.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { getActivePlan } from '../../src/store/repos/plans.repo.js';
import { putSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { REPO } from '../../widgets/dev/demo-data.js';
import { type Harness as AppHarness, harness } from '../http/harness.js';
import { candidatePlan } from '../http/preview.fixture.js';
import { NOW, type SeededTenant, seedTenant } from '../http/widget.fixture.js';
import {
  ARTIFACTS,
  buildWidgetsToTemp,
  CHROMIUM,
  CHROMIUM_FLAGS,
  freePort,
  loopbackContext,
} from './browser.js';

let app: AppHarness;
let sandbox: FxiaokeSandbox;
let operatorKey = '';
let browser: Browser;
let seeded: SeededTenant;
let key = '';
let root = '';
let origin = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  root = await buildWidgetsToTemp();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  app = await harness({ widget: { root, now: () => NOW }, publicUrl: origin });
  seeded = await seedTenant(app.store.db, app.keyring, { crm: 'zoho', orgId: 'org-console' });
  key = (await createAdminKey(app.store.db, seeded.tenantId, 'console test')).key;
  operatorKey = (await createAdminKey(app.store.db, null, 'operator')).key;
  sandbox = await startFxiaokeSandbox({ partners: 2, accounts: 2, opportunities: 3 });
  await putSubscription(app.store.db, seeded.tenantId, {
    channelId: 'ch-console-1',
    expiresAt: '2099-01-01T00:00:00.000Z',
    notifyUrlHash: 'a'.repeat(64),
  });
  await app.app.listen({ host: '127.0.0.1', port });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
  await sandbox?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  // `npm run docs:screenshots` refreshes the screenshot the README and docs show.
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    try {
      copyFileSync(join(ARTIFACTS, 'admin-console-preview.png'), join(REPO, 'docs', 'admin-console.png'));
    } catch {
      // not produced in this run
    }
  }
});

const context = (locale = 'en-US', width = 1200) => loopbackContext(browser, { locale, width, height: 1000 });

async function signIn(page: Page, withKey: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  await page.getByLabel('Admin API key').fill(withKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('admin console', () => {
  it('validates, previews, saves and activates a plan; shows status and audit; switches to Chinese', async () => {
    const c = await context();
    const page = await c.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
    });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const pageHeaders: Record<string, string>[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/widgets/admin/index.html')) pageHeaders.push(r.headers());
    });

    await signIn(page, key);
    // The active plan is loaded into the editor; the key went to a header, not the address.
    await page.waitForFunction(() =>
      (document.querySelector('#plans textarea') as HTMLTextAreaElement | null)?.value.includes('"tiers"'),
    );
    expect(page.url()).toBe(`${origin}/widgets/admin/index.html`);
    expect(requested.some((u) => u.includes(key))).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('ci-admin-key'))).toBe(key);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(pageHeaders[0]?.['x-frame-options']).toBe('DENY');
    expect(pageHeaders[0]?.['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.textContent('[data-testid=tenant-status]')).toBe('active');

    // An invalid plan: every problem with a line is marked in the gutter and listed.
    const broken = readFileSync(join(REPO, 'examples', 'plan-with-mistakes.yaml'), 'utf8');
    const expected = parsePlanSource(broken);
    if (expected.ok) throw new Error('the example with mistakes should be invalid');
    const lines = [...new Set(expected.problems.map((p) => p.line).filter((l) => l !== undefined))];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    await page.locator('#plans textarea').fill(broken);
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.waitForSelector('.adm-problem-list');
    for (const line of lines) {
      await expect.poll(() => page.locator(`.adm-gutter [data-line="${line}"].adm-bad-line`).count()).toBe(1);
      expect(await page.locator(`.adm-problem-list button[data-line="${line}"]`).count()).toBeGreaterThan(0);
    }
    expect(await page.locator('.adm-gutter .adm-bad-line').count()).toBe(lines.length);
    // A listed problem takes the caret to its line.
    await page.locator(`.adm-problem-list button[data-line="${lines[0]}"]`).first().click();
    const caretLine = await page.evaluate(() => {
      const ta = document.querySelector('#plans textarea') as HTMLTextAreaElement;
      return ta.value.slice(0, ta.selectionStart).split('\n').length;
    });
    expect(caretLine).toBe(lines[0]);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-console-problems.png'), fullPage: true });

    // A valid candidate: preview last period's movers and the payout change.
    await page.locator('#plans textarea').fill(stringify(candidatePlan(seeded.plan)));
    await page.locator('#plans textarea').evaluate((ta: HTMLTextAreaElement) => {
      ta.setSelectionRange(0, 0);
      ta.scrollTop = 0;
      ta.dispatchEvent(new Event('scroll'));
    });
    await page.getByLabel('Period (blank: last ended)').fill('2026-Q4');
    await page.getByRole('button', { name: 'Preview against active plan' }).click();
    await page.waitForSelector('[data-testid=preview]');
    expect(await page.locator('.adm-gutter .adm-bad-line').count()).toBe(0);
    expect(await page.textContent('[data-testid=moved-up]')).toBe('1');
    expect(await page.textContent('[data-testid=moved-down]')).toBe('1');
    expect(await page.textContent('[data-move=up][data-partner=P1]')).toContain('Silver → Gold');
    expect(await page.textContent('[data-move=down][data-partner=P2]')).toContain('Silver → Registered');
    const delta = (await page.textContent('[data-testid=total-delta]'))!;
    expect(delta).toMatch(/^[-−]¥[\d,]+$/);
    await page.locator('[data-testid=preview]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-console-en.png'), fullPage: true });
    await page.locator('#plans').screenshot({ path: join(ARTIFACTS, 'admin-console-preview.png') });

    // Save and activate it.
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await page.getByRole('button', { name: 'Activate v2' }).click();
    await page.getByText('Version 2 is active.', { exact: false }).waitFor();
    expect((await getActivePlan(app.store.db, seeded.tenantId))?.version).toBe(2);

    // Status, subscription and the audit trail of what was just done.
    expect(await page.textContent('[data-testid=subscription]')).toContain('Channel ch-console-1');
    await expect.poll(() => page.textContent('[data-testid=audit]')).toContain('plan.activated');
    expect(await page.textContent('[data-testid=audit]')).toContain('plan.uploaded');
    expect(await page.textContent('#status')).toContain('deal');

    // Chinese.
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '激励管理控制台' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.waitForFunction(() => document.querySelector('[data-testid=audit] table') !== null);
    expect(await page.textContent('#plans')).toContain('校验');
    expect(await page.textContent('#audit')).toContain('审计日志');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-console-zh.png'), fullPage: true });
    expect(problems).toEqual([]);
    await c.close();
  });

  it('fits a narrow window without sideways scrolling', async () => {
    const c = await context('en-US', 380);
    const page = await c.newPage();
    await signIn(page, key);
    await page.waitForSelector('[data-testid=audit] table');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-console-narrow.png'), fullPage: true });
    await c.close();
  });

  it('lands back from Zoho consent with the tenant chosen and the address cleaned', async () => {
    const c = await context();
    const page = await c.newPage();
    await signIn(page, key);
    await page.waitForSelector('#plans');
    await page.goto(`${origin}/admin?connected=${seeded.tenantId}`);
    await page.getByText(`Zoho is connected for tenant ${seeded.tenantId}`).waitFor();
    expect(page.url()).toBe(`${origin}/widgets/admin/index.html`);
    expect(await page.locator('#adm-tenant').inputValue()).toBe(seeded.tenantId);
    await c.close();
  });

  it('connects Fxiaoke with an operator key, then checks its result fields field by field', async () => {
    const c = await context();
    const page = await c.newPage();
    await signIn(page, operatorKey);
    const fx = page.locator('fieldset', { hasText: 'Fxiaoke' });
    await fx.getByLabel('AppId').fill(SANDBOX_APP.appId);
    await fx.getByLabel('AppSecret').fill('wrong-secret');
    await fx.getByLabel('Permanent code').fill(SANDBOX_APP.permanentCode);
    await fx.getByLabel('Administrator mobile number').fill(SANDBOX_TENANT.admin.mobile);
    await fx.getByLabel('Cloud gateway (optional)').fill(sandbox.url);
    await fx.getByLabel('Name (optional)').fill('纷享沙箱');
    // Refused by Fxiaoke with what to fix; no tenant is made.
    await fx.getByRole('button', { name: 'Check and connect' }).click();
    await fx.getByText(/appSecret is wrong/).waitFor();
    await fx.getByLabel('AppSecret').fill(SANDBOX_APP.appSecret);
    await fx.getByRole('button', { name: 'Check and connect' }).click();
    await fx.getByText(/Connected: tenant t_/).waitFor();
    expect(await fx.locator('code').textContent()).toMatch(/\/webhooks\/fxiaoke\/t_/);
    // The push URL stays until the admin moves on to the new tenant.
    await fx.getByRole('button', { name: /Continue with tenant t_/ }).click();
    await expect
      .poll(() => page.locator('#adm-tenant option:checked').textContent(), { timeout: 10_000 })
      .toContain('纷享沙箱');
    await page.getByRole('button', { name: 'Install / check result fields' }).click();
    const report = page.locator('[data-testid=install-report]');
    await report.locator('table').waitFor();
    // No field exists yet in the sandbox: each is listed as missing with what to create.
    expect(await report.locator('tbody tr').count()).toBeGreaterThanOrEqual(10);
    expect(await report.locator('tbody tr', { hasText: 'missing' }).count()).toBe(
      await report.locator('tbody tr').count(),
    );
    await page.getByText(/field\(s\) missing/).waitFor();
    // What the check found (the partner lookups, the won codes, …) is shown with the settings.
    await page.getByText('Discovered by the last check:').waitFor();
    expect(await page.locator('#fields textarea').inputValue()).toContain('installDiscovered');
    await page.locator('#fields').screenshot({ path: join(ARTIFACTS, 'admin-console-fields.png') });
    await c.close();
  });

  it('refuses an unknown key and keeps nothing of it', async () => {
    const c = await context();
    const page = await c.newPage();
    await signIn(page, 'ci_admin_not-a-real-key');
    await page.getByText('The key was refused').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('ci-admin-key'))).toBeNull();
    await c.close();
  });
});
