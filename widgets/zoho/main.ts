// Zoho CRM related-list widget on Accounts. Zoho's SDK is loaded by index.html from Zoho's CDN.
import '../shared/styles.css';
import { mountWidget } from '../shared/app.js';
import { HttpWidgetData } from '../shared/http.data.js';
import { pickLocale } from '../shared/i18n.js';
import { apiBase, sessionFromExchange } from '../shared/session.js';
import { type WidgetData, WidgetDataError } from '../shared/types.js';
import { ZohoWidgetData } from './zoho.data.js';
import { type PageLoadData, ZOHO_SESSION_FUNCTION, zohoHost } from './zoho-sdk.js';

/** Local demos have no Zoho CDN: use the stand-in SDK our dev server serves, on loopback only. */
async function ensureSdk(): Promise<void> {
  if ((globalThis as { ZOHO?: unknown }).ZOHO) return;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname)) return;
  await new Promise<void>((resolve) => {
    const script = document.createElement('script');
    // Relative: the dev server serves the widget at /zoho/, our server at /widgets/zoho/.
    script.src = new URL('../host/zoho-sdk-standin.js', location.href).href;
    script.onload = script.onerror = () => resolve();
    document.head.append(script);
  });
}

async function main(): Promise<void> {
  const root = document.getElementById('app')!;
  const params = new URLSearchParams(location.search);
  const locale = pickLocale(params.get('lang'), navigator.language);
  const host = zohoHost();
  const base = apiBase();
  // Our server trusts the user once the admin's Zoho Function has signed who they are.
  let exchange: (() => Promise<string>) | null = null;
  const getToken = async () => {
    if (!exchange) {
      const proof = await host.executeFunction(ZOHO_SESSION_FUNCTION);
      exchange = sessionFromExchange(base, { crm: 'zoho', proof });
    }
    return exchange().catch((error: unknown) => {
      exchange = null;
      throw error;
    });
  };
  const http = new HttpWidgetData({ baseUrl: base, getToken });
  // A session lives an hour (WIDGET_SESSION_TTL_MINUTES): on a 401, get a fresh proof once.
  const server: WidgetData = {
    async load(id, period) {
      try {
        return await http.load(id, period);
      } catch (error) {
        if (!(error instanceof WidgetDataError) || error.reason !== 'unauthorized' || !exchange) throw error;
        exchange = null;
        return http.load(id, period);
      }
    },
  };
  let lastHeight = 0;
  const resize = () => {
    // The content's own height (the document is never shorter than the frame, so not that).
    const height = Math.ceil(root.getBoundingClientRect().height);
    if (Math.abs(height - lastHeight) < 2) return;
    lastHeight = height;
    host.resize(height).catch((e: unknown) => console.warn('[channel-incentives widget] resize', e));
  };
  const widget = mountWidget({
    root,
    data: new ZohoWidgetData(host, server),
    locale,
    onRender: () => requestAnimationFrame(resize),
  });
  await ensureSdk();
  const onPageLoad = (data: PageLoadData) => {
    // Zoho may deliver PageLoad again (record navigation): always re-render for the new id.
    const id = Array.isArray(data.EntityId) ? data.EntityId[0] : data.EntityId;
    if (id) void widget.show(String(id));
  };
  try {
    await host.start(onPageLoad);
    new ResizeObserver(() => resize()).observe(root);
  } catch (error) {
    console.error('[channel-incentives widget]', error);
    const { renderError } = await import('../shared/view.js');
    root.replaceChildren(
      renderError(locale, 'host', { onPeriod() {}, onWhatIf() {}, onRetry: () => location.reload() }),
    );
  }
}

void main();
