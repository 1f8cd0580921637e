// Stand-in for a Fxiaoke PartnerObj detail layout with an "embedded page" component. In
// production the component's URL is our server's /fxiaoke/start (OAuth code flow, then a
// redirect carrying the session in the fragment, docs/widget.md §2); here the page asks the
// dev server for a demo session and builds that redirect target itself.
import './zoho-host.css';
import { offerCloseDeal } from './demo-close.js';

const params = new URLSearchParams(location.search);
const appOrigin = new URL(params.get('widgetOrigin') ?? location.origin).origin;
const frame = document.getElementById('widget') as HTMLIFrameElement;
const select = document.getElementById('record') as HTMLSelectElement;

// `npm run demo`: ?app=<our server>&tenant=<tenant id> frames our real /fxiaoke/start, which
// runs Fxiaoke's OAuth code flow (against the sandbox) and lands on the widget with a session.
const demoApp = params.get('app');
const demoTenant = params.get('tenant');

async function show(): Promise<void> {
  document.getElementById('record-name')!.textContent = select.selectedOptions[0]?.text ?? select.value;
  if (demoApp && demoTenant) {
    const q = new URLSearchParams({
      tenant: demoTenant,
      partnerId: select.value,
      lang: params.get('lang') ?? 'zh-CN',
    });
    frame.src = `${demoApp}/fxiaoke/start?${q}`;
    return;
  }
  const response = await fetch(`${appOrigin}/api/widget/session`, { method: 'POST', body: '{}' });
  const { token } = (await response.json()) as { token: string };
  const query = new URLSearchParams({ partnerId: select.value, lang: params.get('lang') ?? 'zh-CN' });
  frame.src = `${appOrigin}/fxiaoke/index.html?${query}#session=${encodeURIComponent(token)}`;
}

async function start(): Promise<void> {
  const list = (await fetch(demoApp ? '/fixtures/fxiaoke/partners' : '/fixtures/zoho/Accounts').then((r) =>
    r.json(),
  )) as {
    id: string;
    name: string;
  }[];
  for (const p of list) select.append(new Option(p.name, p.id));
  select.value = params.get('record') ?? (demoApp ? (list[0]?.id ?? '') : 'P2');
  select.addEventListener('change', () => void show());
  await show();
  if (demoApp)
    offerCloseDeal(
      'fxiaoke',
      () => select.value,
      {
        working: '正在赢单…',
        nothing: '没有可赢单的商机',
        done: (r) =>
          r.fieldsChangedAfterMs == null
            ? `已赢单「${r.name}」；字段尚未更新`
            : `已赢单「${r.name}」；${(r.fieldsChangedAfterMs / 1000).toFixed(1)} 秒后 CRM 字段已更新`,
      },
      show,
    );
}

void start();
