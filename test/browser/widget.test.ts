// The partner widget in Debian's chromium: hosted by the Zoho stand-in (the embedded-app
// protocol over postMessage, CRM and widget on different origins) and as the Fxiaoke page.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../widgets/dev/demo-data.js';
import { ARTIFACTS, type Harness, startHarness, zohoHostUrl } from './browser.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function openZoho(
  locale: string,
  record = 'P1',
  width?: number,
): Promise<{ page: Page; frame: Frame }> {
  const context = await h.context({ locale, width });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The widget runs under the strict policy the dev server sends (no inline styles or scripts).
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(zohoHostUrl(h.server, record));
  const handle = await page.waitForSelector('#widget');
  const frame = (await handle.contentFrame())!;
  await frame.waitForSelector('main[data-state=ready]', { timeout: 20_000 });
  expect(errors).toEqual([]);
  return { page, frame };
}

const text = async (frame: Frame, selector: string) => (await frame.textContent(selector))?.trim();

describe('Zoho related-list widget (stand-in host)', () => {
  it('renders a partner in English: tier, score, payout, gap, metrics, awards, rank; no layout shift', async () => {
    const { page, frame } = await openZoho('en-US');
    expect(await text(frame, '[data-testid=tier]')).toBe('Gold');
    expect(await text(frame, '[data-testid=score]')).toBe('99.92');
    expect(await text(frame, '[data-testid=payout]')).toBe('¥62,720');
    expect(await text(frame, '[data-testid=rank]')).toBe('#1 of 5');
    expect(await text(frame, '[data-testid=gap]')).toBe(
      '¥241,880 more revenue, or 3 more new customers, reaches Platinum.',
    );
    expect(await frame.locator('[role=progressbar]').count()).toBe(4);
    expect(await frame.locator('[data-testid=awards-earned] li').allTextContents()).toEqual([
      'TitleGold Partner',
      'TrophyTop 3 in region',
    ]);
    expect(await frame.locator('[data-testid=awards-near] li').count()).toBe(1);
    expect(await text(frame, '[data-testid=updated]')).toBe('Updated Mar 15, 2027, 4:00 PM');
    // Accessible names: labelled controls, named progress bars, one heading per section.
    expect(await frame.getByLabel('Period').inputValue()).toBe('2027-Q1');
    expect(await frame.getByLabel('Hypothetical deal amount (CNY)').count()).toBe(1);
    expect(await frame.getByRole('progressbar', { name: 'Revenue' }).getAttribute('aria-valuetext')).toBe(
      '110% of target; ¥1,318,000 of ¥1,200,000',
    );
    expect(await frame.getByRole('heading', { level: 2 }).allTextContents()).toEqual([
      'Tier',
      'Score',
      'Estimated payout',
      'Rank',
      'Next tier',
      'Metrics',
      'What if…',
      'Awards',
      'Strengths · To improve',
      'Trend',
    ]);
    // The protocol ran in order, and the frame was resized to the content.
    const host = await page.evaluate(
      () => (window as unknown as { ciHost: { events: string[]; resizes: number[] } }).ciHost,
    );
    expect(host.events.slice(0, 4)).toEqual([
      '← REGISTER',
      '→ SET_CONTEXT',
      '→ PageLoad {"Entity":"Accounts","EntityId":"P1"}',
      '← getRecord Accounts/P1',
    ]);
    // The session came from the admin's Zoho Function (signed-in user proof), run through the host.
    expect(host.events).toContain('← function ci_widget_session');
    expect(host.resizes.length).toBeGreaterThan(0);
    const shift = await frame.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as (PerformanceEntry & {
              value: number;
              hadRecentInput: boolean;
            })[])
              if (!e.hadRecentInput) total += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 200);
        }),
    );
    expect(shift).toBeLessThan(0.05);
    await page.screenshot({ path: join(ARTIFACTS, 'widget-en-initial.png'), fullPage: true });
    await page.context().close();
  });

  it('what-if: ticking open deals (keyboard) or typing an amount changes the tier instantly', async () => {
    const { page, frame } = await openZoho('en-US');
    // Keyboard only: Tab from the period picker reaches the first open deal's checkbox.
    await frame.focus('#ci-period');
    await page.keyboard.press('Tab');
    expect(await frame.evaluate(() => (document.activeElement as HTMLInputElement).dataset.deal)).toBe('OD1');
    await frame.focus('input[data-deal=OD1]');
    await page.keyboard.press('Space');
    expect(await text(frame, '[data-testid=whatif-tier]')).toBe('Tier stays Gold');
    await frame.check('input[data-deal=OD2]');
    expect(await text(frame, '[data-testid=whatif-tier]')).toBe('Tier Gold → Platinum');
    expect(await text(frame, '[data-testid=whatif-payout]')).toBe('Payout ¥62,720 → ¥125,580 (+¥62,860)');
    await page.screenshot({ path: join(ARTIFACTS, 'widget-en.png'), fullPage: true });
    await frame.click('button[type=reset]');
    await frame.fill('#ci-whatif-amount', '241,880');
    expect(await text(frame, '[data-testid=whatif-tier]')).toBe('Tier Gold → Platinum');
    await frame.fill('#ci-whatif-amount', '241,000');
    expect(await text(frame, '[data-testid=whatif-tier]')).toBe('Tier stays Gold');
    await frame.fill('#ci-whatif-amount', 'abc');
    expect(await frame.getAttribute('#ci-whatif-amount', 'aria-invalid')).toBe('true');
    await page.context().close();
  });

  it('renders in Simplified Chinese with locale formatting', async () => {
    const { page, frame } = await openZoho('zh-CN');
    expect(await frame.getAttribute('main', 'lang')).toBe('zh-CN');
    expect(await text(frame, '[data-testid=tier]')).toBe('金牌');
    expect(await text(frame, '[data-testid=rank]')).toBe('第 1 名 / 共 5 名');
    expect(await text(frame, '[data-testid=gap]')).toBe(
      '再增加 ¥241,880 销售额，或再增加 3 个新客户，即可达到白金。',
    );
    expect(await text(frame, '[data-testid=updated]')).toBe('更新于 2027年3月15日 16:00');
    await frame.check('input[data-deal=OD1]');
    await frame.check('input[data-deal=OD2]');
    expect(await text(frame, '[data-testid=whatif-tier]')).toBe('等级 金牌 → 白金');
    await frame.uncheck('input[data-deal=OD1]');
    await frame.uncheck('input[data-deal=OD2]');
    await page.screenshot({ path: join(ARTIFACTS, 'widget-zh.png'), fullPage: true });
    await page.context().close();
  });

  it('re-renders on every PageLoad and shows failed gates with why; settled periods offer no what-if', async () => {
    const { page, frame } = await openZoho('en-US');
    await page.selectOption('#record', 'P3');
    await frame.waitForFunction(
      () => document.querySelector('.partner-name')?.textContent === 'Northwind Resellers',
    );
    await frame.waitForSelector('main[data-state=ready]');
    expect(await text(frame, '[data-testid=gate]')).toBe(
      'Customer satisfaction is 3.6, below the required 4: no payout this period.',
    );
    expect(await text(frame, '[data-testid=payout]')).toBe('¥0');
    await frame.selectOption('#ci-period', '2026-Q4');
    await frame.waitForFunction(
      () => (document.querySelector('#ci-period') as HTMLSelectElement | null)?.value === '2026-Q4',
    );
    await frame.waitForSelector('main[data-state=ready]');
    expect(await frame.locator('.card-whatif').textContent()).toContain(
      'What-if is available for the current period.',
    );
    expect(await frame.locator('.stat-payout h2').textContent()).toBe('Payout');
    await page.context().close();
  });

  it('fits a narrow related-list frame without horizontal scrolling', async () => {
    const { page, frame } = await openZoho('en-US', 'P5');
    await page.selectOption('#width', '380px');
    await frame.waitForFunction(() => window.innerWidth <= 380);
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await text(frame, '[data-testid=payout]')).toBe('-¥66,000');
    await page.screenshot({ path: join(ARTIFACTS, 'widget-narrow.png'), fullPage: true });
    await page.context().close();
  });

  it('shows the stored CRM result when our server is down, and an error when the CRM fails too', async () => {
    h.server.setApiDown(true);
    try {
      const { page, frame } = await openZoho('en-US');
      expect(await text(frame, '[role=status].notice')).toContain('Showing the result stored in the CRM');
      expect(await text(frame, '[data-testid=tier]')).toBe('Gold');
      // Without the plan, labels come from the metric keys; no what-if without our server.
      expect(await frame.locator('.metric-name').allTextContents()).toEqual([
        'Revenue',
        'New customers',
        'Coverage',
        'Csat',
      ]);
      expect(await text(frame, '[data-testid=payout]')).toBe('¥62,720');
      expect(await text(frame, '.stat-score .muted')).toBe('10.08 points to Platinum');
      expect(await frame.locator('.card-whatif').textContent()).toContain(
        'What-if needs the incentive server',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'widget-degraded.png'), fullPage: true });
      h.server.setCrmDown(true);
      await page.selectOption('#record', 'P2');
      await frame.waitForSelector('main[data-state=error]');
      expect(await text(frame, '[data-testid=error-message]')).toBe(
        'The CRM did not provide the record to show.',
      );
      await page.context().close();
    } finally {
      h.server.setApiDown(false);
      h.server.setCrmDown(false);
    }
  });
});

describe('Fxiaoke embedded page (our server only)', () => {
  async function token(): Promise<string> {
    const r = await fetch(`${h.server.appOrigin}/api/widget/session`, { method: 'POST', body: '{}' });
    return ((await r.json()) as { token: string }).token;
  }

  it('shows an error with retry when the server is down, and recovers', async () => {
    const context = await h.context({ locale: 'zh-CN', width: 900 });
    const page = await context.newPage();
    const tok = await token();
    h.server.setApiDown(true);
    try {
      await page.goto(`${h.server.appOrigin}/fxiaoke/index.html?partnerId=P2#session=${tok}`);
      await page.waitForSelector('main[data-state=error]');
      expect(await text(page.mainFrame(), '[data-testid=error-message]')).toBe(
        '无法连接激励服务，请稍后重试。',
      );
      expect(page.url()).not.toContain('session='); // the token left the address bar
      await page.screenshot({ path: join(ARTIFACTS, 'fxiaoke-error-zh.png') });
    } finally {
      h.server.setApiDown(false);
    }
    await page.getByRole('button', { name: '重试' }).click();
    await page.waitForSelector('main[data-state=ready]');
    expect(await text(page.mainFrame(), '.partner-name')).toBe('华东科技有限公司');
    await context.close();
  });

  it('renders inside the Fxiaoke stand-in layout, framed from another origin', async () => {
    const context = await h.context({ locale: 'zh-CN', width: 1000 });
    const page = await context.newPage();
    const q = new URLSearchParams({ widgetOrigin: h.server.appOrigin, record: 'P2' });
    await page.goto(`${h.server.crmOrigin}/host/fxiaoke-host.html?${q}`);
    const frame = (await (await page.waitForSelector('#widget')).contentFrame())!;
    await frame.waitForSelector('main[data-state=ready]', { timeout: 20_000 });
    expect(await text(frame, '.partner-name')).toBe('华东科技有限公司');
    expect(await text(frame, '[data-testid=gap]')).toBe('再增加 ¥799,750 销售额，即可达到白金。');
    await page.screenshot({ path: join(ARTIFACTS, 'fxiaoke-zh.png') });
    await context.close();
  });

  it('is refused without a session', async () => {
    const context = await h.context({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.server.appOrigin}/fxiaoke/index.html?partnerId=P2`);
    await page.waitForSelector('main[data-state=error]');
    expect(await text(page.mainFrame(), '[data-testid=error-message]')).toBe(
      'Your session has expired or you have no access to this partner.',
    );
    await context.close();
  });
});

afterAll(() => {
  // `npm run docs:screenshots` refreshes the two screenshots docs/widget.md shows; a plain test
  // run leaves tracked files alone (the copies stay in test-artifacts/).
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  for (const name of ['widget-en.png', 'widget-zh.png']) {
    try {
      copyFileSync(join(ARTIFACTS, name), join(REPO, 'docs', name));
    } catch {
      // not produced in this run
    }
  }
});
