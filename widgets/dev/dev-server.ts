// A local stand-in for our server, for the widget demo and browser tests: serves the built
// widgets (dist/widgets) and the planned widget API (docs/widget.md) from fixture data with
// the real core. Two listeners, so the CRM page and the widget run on different origins as
// in a real CRM. Run: `npm run widgets:dev` (prints the URLs).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { toResultFields } from '../../connectors/result-fields.js';
import { parseZohoSettings } from '../../connectors/zoho/zoho.settings.js';
import { toZohoRecord } from '../../connectors/zoho/zoho.write.js';
import type { ResultsDocument } from '../../src/core/index.js';
import { contentTypeOf } from '../../src/lib/content-types.js';
import { buildPayload } from '../shared/fixture.data.js';
import { WidgetDataError } from '../shared/types.js';
import { DEMO_NOW, loadDemo, REPO } from './demo-data.js';

export interface DevServerOptions {
  /** Built widget files (default dist/widgets). */
  root?: string;
  now?: string;
  port?: number;
  widgetPort?: number;
}

export interface DevServer {
  /** The CRM stand-in origin (host pages, fixture records). */
  crmOrigin: string;
  /** Our server's origin (widget files and API). */
  appOrigin: string;
  /** Simulate our server being down: the widget API answers 503. */
  setApiDown(down: boolean): void;
  /** Simulate the CRM refusing record reads. */
  setCrmDown(down: boolean): void;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * The policy our server should send with widget pages (docs/widget.md §2): our own scripts and
 * styles only (plus Zoho's SDK), API calls to ourselves, framing only by the CRM's origin.
 * The browser tests run the widget under it.
 */
export function widgetCsp(crmOrigin: string, apiOrigin = "'self'"): string {
  return [
    "default-src 'none'",
    "script-src 'self' https://live.zwidgets.com",
    "style-src 'self'",
    `connect-src 'self' ${apiOrigin === "'self'" ? '' : apiOrigin}`.trim(),
    "img-src 'self' data:",
    `frame-ancestors ${crmOrigin}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const root = options.root ?? join(REPO, 'dist', 'widgets');
  const now = options.now ?? DEMO_NOW;
  const { plan, input } = loadDemo();
  const cache = new Map<string, ResultsDocument>();
  const token = `demo-${randomBytes(12).toString('hex')}`;
  const partners = (input.partners as { id: string; name: string }[]).map((p) => ({
    id: p.id,
    name: p.name,
  }));
  let apiDown = false;
  let crmDown = false;
  let crmOriginOf = '';

  const payload = (partnerId: string, period?: string) =>
    buildPayload(plan, input, { partnerId, period, now, cache });

  const zohoSettings = parseZohoSettings({});
  /** The Account as Zoho would return it after our write-back: the connectors' own writer builds the fields. */
  function zohoRecord(id: string): Record<string, unknown> | null {
    const partner = partners.find((p) => p.id === id);
    if (!partner) return null;
    const period = payload(id).period;
    const doc = cache.get(period)!;
    const result = doc.results.find((r) => r.partnerId === id)!;
    // Zoho record ids are numeric; the stand-in's partner ids are the examples' ("P1").
    const body = toZohoRecord({ partnerId: '1', fields: toResultFields(doc, result) }, zohoSettings);
    return { ...body, id, Account_Name: partner.name };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      // External hosting: the widget calls us from the CRM's frame origin.
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'authorization, content-type',
      };
      if (req.method === 'OPTIONS') return send(res, 204, '', cors);
      if (apiDown) return send(res, 503, { error: 'unavailable' }, cors);
      if (path === '/api/widget/session' && req.method === 'POST') return send(res, 200, { token }, cors);
      const m = /^\/api\/widget\/partners\/([^/]+)$/.exec(path);
      if (m && req.method === 'GET') {
        if (req.headers.authorization !== `Bearer ${token}`)
          return send(res, 401, { error: 'unauthorized' }, cors);
        try {
          return send(
            res,
            200,
            payload(decodeURIComponent(m[1]!), url.searchParams.get('period') ?? undefined),
            cors,
          );
        } catch (error) {
          if (error instanceof WidgetDataError) return send(res, 404, { error: error.message }, cors);
          throw error;
        }
      }
      return send(res, 404, { error: 'no such route' }, cors);
    }
    if (path === '/fixtures/zoho/Accounts') return send(res, 200, partners);
    const rec = /^\/fixtures\/zoho\/Accounts\/([^/]+)$/.exec(path);
    if (rec) {
      if (crmDown) return send(res, 500, { code: 'INTERNAL_ERROR', message: 'stand-in CRM is down' });
      const record = zohoRecord(decodeURIComponent(rec[1]!));
      return record
        ? send(res, 200, { data: [record] })
        : send(res, 404, { code: 'INVALID_DATA', message: 'the related id given seems to be invalid' });
    }
    const file = normalize(join(root, decodeURIComponent(path === '/' ? '/host/zoho-host.html' : path)));
    if (!file.startsWith(root + sep)) return send(res, 403, { error: 'forbidden' });
    try {
      const body = await readFile(file);
      const headers: Record<string, string> = {
        'content-type': contentTypeOf(file) ?? 'application/octet-stream',
        'cache-control': 'no-store',
      };
      if (extname(file) === '.html' && /^\/(zoho|fxiaoke)\//.test(path)) {
        headers['content-security-policy'] = widgetCsp(crmOriginOf);
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      send(res, 404, { error: 'not found' });
    }
  }

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  const crm = await listen(options.port ?? 0);
  const app = await listen(options.widgetPort ?? 0);
  const origin = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  crmOriginOf = origin(crm);
  return {
    crmOrigin: origin(crm),
    appOrigin: origin(app),
    setApiDown: (down) => {
      apiDown = down;
    },
    setCrmDown: (down) => {
      crmDown = down;
    },
    close: async () => {
      await Promise.all(
        [crm, app].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

// `tsx widgets/dev/dev-server.ts [--port 5170] [--widget-port 5171]`: start and print where to look.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5170' },
      'widget-port': { type: 'string', default: '5171' },
    },
  });
  const server = await startDevServer({
    port: Number(values.port),
    widgetPort: Number(values['widget-port']),
  });
  console.log(
    `Zoho CRM stand-in:  ${server.crmOrigin}/host/zoho-host.html?widgetOrigin=${encodeURIComponent(server.appOrigin)}`,
  );
  console.log(
    `Fxiaoke stand-in:   ${server.crmOrigin}/host/fxiaoke-host.html?widgetOrigin=${encodeURIComponent(server.appOrigin)}`,
  );
  console.log(
    `Widget API:         ${server.appOrigin}/api/widget/partners/P1 (token from POST /api/widget/session)`,
  );
}
