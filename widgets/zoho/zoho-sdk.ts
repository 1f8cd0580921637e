// The only place that touches Zoho's embedded-app SDK (the `ZOHO` global from Zoho's CDN).
// Keeping it this small lets tests run the same UI against a stand-in host (widgets/host/).
import { WidgetDataError } from '../shared/types.js';

export interface PageLoadData {
  Entity: string;
  /** A record id on detail pages and related lists; a list of ids for list-view buttons. */
  EntityId: string | string[];
  ButtonPosition?: string;
}

interface ZohoGlobal {
  embeddedApp: {
    on(event: 'PageLoad', handler: (data: PageLoadData) => void): void;
    init(): Promise<unknown>;
  };
  CRM: {
    API: {
      getRecord(options: { Entity: string; RecordID: string }): Promise<{ data?: Record<string, unknown>[] }>;
    };
    UI: { Resize(size: { height: string; width?: string }): Promise<unknown> };
    FUNCTIONS: {
      execute(
        name: string,
        data: { arguments: string },
      ): Promise<{ code?: string; details?: { output?: unknown }; message?: string }>;
    };
  };
}

/**
 * The Zoho Function that proves the signed-in user to our server (docs/widget.md §2; the
 * server's side is connectors/zoho/zoho.widget.ts, `ZOHO_SESSION_FUNCTION`).
 */
export const ZOHO_SESSION_FUNCTION = 'ci_widget_session';

export const ZOHO_SDK_URL = 'https://live.zwidgets.com/js-sdk/1.2/ZohoEmbededAppSDK.min.js';

function zoho(): ZohoGlobal {
  const z = (globalThis as { ZOHO?: ZohoGlobal }).ZOHO;
  if (!z?.embeddedApp) throw new WidgetDataError('host', 'Zoho embedded-app SDK (ZOHO global) is not loaded');
  return z;
}

export interface ZohoHost {
  /** Registers the PageLoad handler, then initialises (the SDK only delivers PageLoad to early listeners). */
  start(onPageLoad: (data: PageLoadData) => void): Promise<void>;
  getRecord(entity: string, recordId: string): Promise<Record<string, unknown>>;
  resize(height: number): Promise<void>;
  /** Runs a Zoho Function as the signed-in user; resolves with what it returned (`details.output`). */
  executeFunction(name: string, args?: Record<string, unknown>): Promise<string>;
}

export function zohoHost(timeoutMs = 10_000): ZohoHost {
  const withTimeout = <T>(what: string, p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new WidgetDataError('host', `${what} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(
            e instanceof WidgetDataError ? e : new WidgetDataError('host', `${what} failed: ${String(e)}`),
          );
        },
      );
    });
  return {
    async start(onPageLoad) {
      const z = zoho();
      z.embeddedApp.on('PageLoad', onPageLoad);
      await withTimeout('ZOHO.embeddedApp.init', z.embeddedApp.init());
    },
    async getRecord(entity, recordId) {
      const response = await withTimeout(
        `getRecord ${entity}/${recordId}`,
        zoho().CRM.API.getRecord({ Entity: entity, RecordID: recordId }),
      );
      const record = response?.data?.[0];
      if (!record)
        throw new WidgetDataError('not-found', `getRecord ${entity}/${recordId} returned no record`);
      return record;
    },
    async executeFunction(name, args = {}) {
      const r = await withTimeout(
        `function ${name}`,
        zoho().CRM.FUNCTIONS.execute(name, { arguments: JSON.stringify(args) }),
      );
      const output = r?.details?.output;
      if (r?.code !== 'success' || typeof output !== 'string') {
        throw new WidgetDataError(
          'unauthorized',
          `function ${name} answered ${r?.code ?? 'nothing'}: ${r?.message ?? ''}`,
        );
      }
      return output;
    },
    async resize(height) {
      await withTimeout('ZOHO.CRM.UI.Resize', zoho().CRM.UI.Resize({ height: String(Math.ceil(height)) }));
    },
  };
}
