// Shared set-up for browser tests: build the widgets once per file, start the local stand-in
// server, drive Debian's chromium through playwright-core (no browser download).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { REPO } from '../../widgets/dev/demo-data.js';
import { type DevServer, startDevServer } from '../../widgets/dev/dev-server.js';

export const ARTIFACTS = join(REPO, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Debian's chromium headless in a container (docs: the environment notes). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function buildWidgets(): Promise<void> {
  await build({ configFile: join(REPO, 'widgets', 'vite.config.ts'), logLevel: 'error' });
}

/**
 * Builds the widgets into a fresh temporary directory (other browser test files build
 * dist/widgets at the same time) and returns it; the caller removes it.
 */
export async function buildWidgetsToTemp(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'ci-widgets-build-'));
  await build({
    configFile: join(REPO, 'widgets', 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: root, emptyOutDir: true },
  });
  return root;
}

/** A port nothing listens on right now (for a server that must know its origin before it listens). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A context for tests against our real server on loopback: nothing leaves the machine
 * except Zoho's CDN SDK, answered with the stand-in when `zohoSdk` (its file) is given.
 */
export async function loopbackContext(
  browser: Browser,
  o: { locale: string; width: number; height: number; zohoSdk?: string },
): Promise<BrowserContext> {
  const c = await browser.newContext({
    locale: o.locale,
    timezoneId: 'Asia/Shanghai',
    viewport: { width: o.width, height: o.height },
    deviceScaleFactor: 1,
  });
  const sdk = o.zohoSdk;
  if (sdk) {
    await c.route('https://live.zwidgets.com/**', (route) =>
      route.fulfill({ path: sdk, contentType: 'text/javascript; charset=utf-8' }),
    );
  }
  const outside = sdk
    ? /^https?:\/\/(?!127\.0\.0\.1[:/]|live\.zwidgets\.com\/)/
    : /^https?:\/\/(?!127\.0\.0\.1[:/])/;
  await c.route(outside, (route) => route.abort());
  return c;
}

/** Collects a page's script errors and CSP refusals, and the response headers per path. */
export function watchPage(page: Page): {
  problems: string[];
  headers: Record<string, Record<string, string>>;
} {
  const problems: string[] = [];
  const headers: Record<string, Record<string, string>> = {};
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused/i.test(m.text())) problems.push(m.text());
  });
  page.on('response', (r) => {
    headers[new URL(r.url()).pathname] = r.headers();
  });
  return { problems, headers };
}

export interface Harness {
  browser: Browser;
  server: DevServer;
  context(options?: { locale?: string; width?: number; height?: number }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildWidgets();
  const server = await startDevServer();
  // launch() gives every run a new, empty user-data-dir of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  const sdk = join(REPO, 'dist', 'widgets', 'host', 'zoho-sdk-standin.js');
  return {
    browser,
    server,
    async context(options = {}) {
      const context = await browser.newContext({
        locale: options.locale ?? 'en-US',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: options.width ?? 1180, height: options.height ?? 900 },
        deviceScaleFactor: 1,
      });
      // No network: Zoho's CDN SDK is answered with the stand-in that speaks the same protocol.
      await context.route('https://live.zwidgets.com/**', (route) =>
        route.fulfill({ path: sdk, contentType: 'text/javascript; charset=utf-8' }),
      );
      await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|live\.zwidgets\.com\/)/, (route) => route.abort());
      return context;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The Zoho stand-in host page showing `record` with the widget served from the app origin. */
export function zohoHostUrl(server: DevServer, record = 'P1', extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ widgetOrigin: server.appOrigin, record, ...extra });
  return `${server.crmOrigin}/host/zoho-host.html?${q}`;
}
