// The CRM side of Zoho's embedded-app protocol, enough to host the Zoho widget locally:
// answers REGISTER with SET_CONTEXT, sends PageLoad for the chosen Account, serves getRecord
// from fixture records and applies Resize to the iframe. Demo and browser tests use this page.
import './zoho-host.css';
import { offerCloseDeal } from './demo-close.js';

interface SdkMessage {
  type?: string;
  eventName?: string;
  promiseid?: string;
  data?: {
    category?: string;
    customFunctionName?: string;
    action?: string;
    APIData?: { Entity?: string; RecordID?: string };
    Entity?: string;
    RecordID?: string;
    data?: { height?: string | number; width?: string | number };
  };
}

const params = new URLSearchParams(location.search);
const frame = document.getElementById('widget') as HTMLIFrameElement;
const recordSelect = document.getElementById('record') as HTMLSelectElement;
const widthSelect = document.getElementById('width') as HTMLSelectElement;
const log = document.getElementById('log')!;
// The widget runs on another origin than the CRM page, as in Zoho (pass ?widgetOrigin=…);
// ?widgetBase=… when our server serves it under a path (/widgets).
const widgetOrigin = new URL(params.get('widgetOrigin') ?? location.origin).origin;
const widgetBase = params.get('widgetBase') ?? widgetOrigin;
const host = window as Window & { ciHost?: { resizes: number[]; pageLoads: number; events: string[] } };
host.ciHost = { resizes: [], pageLoads: 0, events: [] };

function note(text: string): void {
  host.ciHost!.events.push(text);
  const li = document.createElement('li');
  li.textContent = text;
  log.append(li);
}

function reply(promiseid: string | undefined, data: unknown, ok = true): void {
  frame.contentWindow?.postMessage(
    { type: 'FRAMEWORK.EVENT', eventName: ok ? 'EVENT_RESPONSE' : 'EVENT_RESPONSE_FAILURE', promiseid, data },
    widgetOrigin,
  );
}

function pageLoad(): void {
  host.ciHost!.pageLoads++;
  const data = { Entity: 'Accounts', EntityId: recordSelect.value };
  note(`→ PageLoad ${JSON.stringify(data)}`);
  frame.contentWindow?.postMessage({ type: 'FRAMEWORK.EVENT', eventName: 'PageLoad', data }, widgetOrigin);
}

async function getRecord(entity: string, id: string): Promise<{ ok: boolean; body: unknown }> {
  const response = await fetch(`/fixtures/zoho/${encodeURIComponent(entity)}/${encodeURIComponent(id)}`);
  const body = await response.json().catch(() => null);
  document.getElementById('record-name')!.textContent =
    (body as { data?: { Account_Name?: string }[] } | null)?.data?.[0]?.Account_Name ?? id;
  return { ok: response.ok, body };
}

window.addEventListener('message', async (event) => {
  if (event.source !== frame.contentWindow || event.origin !== widgetOrigin) return;
  const msg = event.data as SdkMessage;
  if (msg?.type !== 'SDK.EVENT') return;
  if (msg.eventName === 'REGISTER') {
    note('← REGISTER');
    frame.contentWindow?.postMessage(
      {
        type: 'FRAMEWORK.EVENT',
        eventName: 'SET_CONTEXT',
        data: { uniqueID: `ci-${Date.now()}`, locale: params.get('lang') ?? 'en', model: {} },
      },
      widgetOrigin,
    );
    note('→ SET_CONTEXT');
    pageLoad();
    return;
  }
  if (msg.eventName !== 'CRM_EVENT' || !msg.data) return;
  const d = msg.data;
  if (d.category === 'UI' && d.action === 'RESIZE') {
    const height = Number(d.data?.height);
    if (Number.isFinite(height) && height > 0) {
      frame.style.height = `${Math.min(height, 4000)}px`;
      host.ciHost!.resizes.push(height);
    }
    note(`← RESIZE ${height}`);
    reply(msg.promiseid, true);
    return;
  }
  if (d.category?.toUpperCase() === 'READ') {
    const entity = d.APIData?.Entity ?? d.Entity ?? '';
    const id = d.APIData?.RecordID ?? d.RecordID ?? '';
    note(`← getRecord ${entity}/${id}`);
    const { ok, body } = await getRecord(entity, id).catch(() => ({ ok: false, body: null }));
    reply(msg.promiseid, body, ok);
    return;
  }
  if (d.category === 'FUNCTIONS_EXECUTE') {
    // Zoho runs the admin's session function (a Deluge function holding the tenant's secret) as
    // the signed-in user. `npm run demo` runs it on the CRM side (it holds the secret); the
    // widget dev server has none and accepts a demo proof instead.
    note(`← function ${d.customFunctionName ?? ''}`);
    const name = encodeURIComponent(d.customFunctionName ?? '');
    const signed = await fetch(`/fixtures/zoho/function/${name}`, { method: 'POST' })
      .then((r) => (r.ok ? (r.json() as Promise<{ output: string }>) : null))
      .catch(() => null);
    const output =
      signed?.output ?? JSON.stringify({ demo: true, user: 'demo.user@example.com', time: Date.now() });
    reply(msg.promiseid, { code: 'success', details: { output }, message: 'function executed successfully' });
    return;
  }
  note(`← unsupported ${JSON.stringify(d).slice(0, 80)}`);
  reply(msg.promiseid, { code: 'NOT_SUPPORTED', message: 'not implemented by the stand-in host' }, false);
});

async function start(): Promise<void> {
  const list = (await fetch('/fixtures/zoho/Accounts').then((r) => r.json())) as {
    id: string;
    name: string;
  }[];
  for (const a of list) recordSelect.append(new Option(a.name, a.id));
  recordSelect.value = params.get('record') ?? list[0]?.id ?? '';
  widthSelect.value = params.get('width') ?? '100%';
  frame.style.width = widthSelect.value;
  recordSelect.addEventListener('change', pageLoad);
  widthSelect.addEventListener('change', () => {
    frame.style.width = widthSelect.value;
  });
  const query = new URLSearchParams({ serviceOrigin: location.origin, frameorigin: location.origin });
  if (params.get('lang')) query.set('lang', params.get('lang')!);
  frame.src = `${widgetBase}/zoho/index.html?${query}`;
  if (params.get('demo'))
    offerCloseDeal(
      'zoho',
      () => recordSelect.value,
      {
        working: 'closing a deal in the CRM…',
        nothing: 'nothing to close',
        done: (r) =>
          r.fieldsChangedAfterMs == null
            ? `closed "${r.name}"; the fields have not changed yet`
            : `closed "${r.name}"; CRM fields updated after ${(r.fieldsChangedAfterMs / 1000).toFixed(1)} s`,
      },
      pageLoad /* Zoho sends PageLoad again when the record page refreshes */,
    );
}

void start();
