// The programme overview page (a Zoho web tab or a Fxiaoke embedded page / app entry).
// Session: from the URL fragment (Fxiaoke sign-in: /fxiaoke/start?view=overview), else from
// the admin's Zoho Function through Zoho's SDK (docs/widget.md §2). Data: §3b.
import '../shared/styles.css';
import './overview.css';
import { pickLocale } from '../shared/i18n.js';
import { apiBase, sessionFromExchange, sessionFromFragment } from '../shared/session.js';
import { WidgetDataError } from '../shared/types.js';
import { ZOHO_SDK_URL, ZOHO_SESSION_FUNCTION, zohoHost } from '../zoho/zoho-sdk.js';
import { OverviewClient, type OverviewFilter } from './overview.data.js';
import { renderOverview, renderOverviewState } from './overview.view.js';

const params = new URLSearchParams(location.search);
const locale = pickLocale(params.get('lang'), navigator.language);
document.documentElement.lang = locale;
const root = document.getElementById('app')!;
const base = apiBase();

/** Zoho web tab (`?crm=zoho`): Zoho's SDK from Zoho's CDN, loaded only there. */
function loadZohoSdk(): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = ZOHO_SDK_URL;
    script.onload = () => resolve();
    script.onerror = () => reject(new WidgetDataError('host', 'Zoho SDK could not be loaded'));
    document.head.append(script);
  });
}

function zohoSession(): () => Promise<string> {
  let exchange: (() => Promise<string>) | null = null;
  let started: Promise<ReturnType<typeof zohoHost>> | null = null;
  return async () => {
    started ??= loadZohoSdk().then(async () => {
      const h = zohoHost();
      await h.start(() => {});
      return h;
    });
    const host = await started;
    if (!exchange)
      exchange = sessionFromExchange(base, {
        crm: 'zoho',
        proof: await host.executeFunction(ZOHO_SESSION_FUNCTION),
      });
    return exchange();
  };
}

const fromFragment = sessionFromFragment();
const getToken: () => Promise<string> =
  fromFragment ??
  (params.get('crm') === 'zoho'
    ? zohoSession()
    : async () => {
        throw new WidgetDataError('unauthorized', 'no session: open this page from the CRM');
      });
const client = new OverviewClient(base, getToken);
let current: OverviewFilter = { period: params.get('period') ?? undefined };
let ticket = 0;

async function show(filter: OverviewFilter): Promise<void> {
  const mine = ++ticket;
  current = filter;
  if (!root.firstElementChild) root.replaceChildren(renderOverviewState(locale, 'loading', () => {}));
  try {
    const data = await client.load(filter);
    if (mine !== ticket) return;
    const focused = document.activeElement?.id;
    root.replaceChildren(
      renderOverview(data, locale, {
        onFilter: (f) => void show(f),
        onRetry: () => void show(current),
        onDownload: () => void download(),
      }),
    );
    // Changing a filter re-renders: keep keyboard focus on the control that was used.
    if (focused) document.getElementById(focused)?.focus();
  } catch (error) {
    if (mine !== ticket) return;
    const kind = error instanceof WidgetDataError ? error.reason : 'unreachable';
    root.replaceChildren(renderOverviewState(locale, { error: kind }, () => void show(current)));
  }
}

async function download(): Promise<void> {
  try {
    const { blob, filename } = await client.csv(current);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    console.warn('[channel-incentives overview] CSV', error);
  }
}

void show(current);
