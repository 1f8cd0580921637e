// Stand-in for a Fxiaoke PartnerObj detail layout with an "embedded page" component. In
// production the component's URL is our server's /fxiaoke/start (OAuth code flow, then a
// redirect carrying the session in the fragment, docs/widget.md §2); here the page asks the
// dev server for a demo session and builds that redirect target itself.
import './zoho-host.css';

const params = new URLSearchParams(location.search);
const appOrigin = new URL(params.get('widgetOrigin') ?? location.origin).origin;
const frame = document.getElementById('widget') as HTMLIFrameElement;
const select = document.getElementById('record') as HTMLSelectElement;

async function show(): Promise<void> {
  const response = await fetch(`${appOrigin}/api/widget/session`, { method: 'POST', body: '{}' });
  const { token } = (await response.json()) as { token: string };
  const query = new URLSearchParams({ partnerId: select.value, lang: params.get('lang') ?? 'zh-CN' });
  document.getElementById('record-name')!.textContent = select.selectedOptions[0]?.text ?? select.value;
  frame.src = `${appOrigin}/fxiaoke/index.html?${query}#session=${encodeURIComponent(token)}`;
}

async function start(): Promise<void> {
  const list = (await fetch('/fixtures/zoho/Accounts').then((r) => r.json())) as {
    id: string;
    name: string;
  }[];
  for (const p of list) select.append(new Option(p.name, p.id));
  select.value = params.get('record') ?? 'P2';
  select.addEventListener('change', () => void show());
  await show();
}

void start();
