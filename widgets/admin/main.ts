// The admin console (served by our server at /admin, never frameable). The operator or a
// tenant admin pastes an admin API key; it lives in sessionStorage for this tab only.
import '../shared/base.css';
import './admin.css';
import { h } from '../shared/dom.js';
import { pickLocale } from '../shared/locale.js';
import type { Locale } from '../shared/types.js';
import { ApiFailure, call, storedKey, storeKey, type Tenant } from './admin.api.js';
import { type T, translator } from './admin.i18n.js';
import { auditSection } from './audit.view.js';
import { connectSection } from './connect.view.js';
import { fieldsSection } from './fields.view.js';
import { plansSection } from './plans.view.js';
import { statusSection } from './status.view.js';
import { field, input, statusLine } from './ui.js';

const root = document.getElementById('app')!;
const LANG = 'ci-admin-lang';
const TENANT = 'ci-admin-tenant';
const params = new URLSearchParams(location.search);
let locale: Locale = pickLocale(sessionStorage.getItem(LANG), params.get('lang'), navigator.language);
// Back from Zoho's consent page (the OAuth callback sends the browser here): choose that tenant.
const connected = params.get('connected');
if (connected) {
  sessionStorage.setItem(TENANT, connected);
  history.replaceState(null, '', location.pathname);
}

function languagePicker(t: T): HTMLElement {
  const select = h(
    'select',
    {
      id: 'adm-lang',
      onchange: (e: Event) => {
        locale = (e.target as HTMLSelectElement).value as Locale;
        sessionStorage.setItem(LANG, locale);
        void render();
      },
    },
    h('option', { value: 'en', selected: locale === 'en' }, 'English'),
    h('option', { value: 'zh-CN', selected: locale === 'zh-CN' }, '简体中文'),
  );
  return h('div', { class: 'adm-inline' }, h('label', { for: 'adm-lang' }, t('language')), select);
}

function shell(t: T, ...content: (HTMLElement | null)[]): HTMLElement {
  document.documentElement.lang = locale;
  document.title = t('title');
  return h(
    'div',
    { class: 'adm' },
    h('a', { class: 'adm-skip', href: '#adm-main' }, t('skip')),
    h('header', { class: 'adm-head' }, h('h1', null, t('title')), languagePicker(t)),
    h('main', { id: 'adm-main', tabindex: '-1' }, ...content),
  );
}

function signIn(t: T, message?: string): HTMLElement {
  const key = input({ name: 'key', type: 'password', autocomplete: 'off', required: true });
  const out = statusLine();
  if (message) out.say(message, 'bad');
  const form = h(
    'form',
    {
      class: 'card adm-signin',
      'aria-labelledby': 'adm-signin-title',
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (!key.value.trim()) return;
        storeKey(key.value.trim());
        key.value = '';
        void render();
      },
    },
    h('h2', { id: 'adm-signin-title', class: 'card-title' }, t('signIn')),
    h('p', { class: 'muted small' }, t('signInHelp')),
    field(t('keyLabel'), key),
    h('button', { type: 'submit', class: 'btn' }, t('signIn')),
    out,
  );
  return shell(t, form);
}

async function render(message?: string): Promise<void> {
  const t = translator(locale);
  if (!storedKey()) {
    root.replaceChildren(signIn(t, message));
    return;
  }
  let tenants: Tenant[];
  try {
    ({ tenants } = await call<{ tenants: Tenant[] }>('GET', '/api/admin/tenants'));
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) {
      storeKey(null);
      root.replaceChildren(signIn(t, t('badKey')));
    } else {
      root.replaceChildren(signIn(t, t('unreachable', { message: (e as Error).message })));
    }
    return;
  }
  const chosen = tenants.find((x) => x.id === sessionStorage.getItem(TENANT)) ?? tenants[0] ?? null;
  const picker = h(
    'select',
    {
      id: 'adm-tenant',
      onchange: (e: Event) => {
        sessionStorage.setItem(TENANT, (e.target as HTMLSelectElement).value);
        void render();
      },
    },
    tenants.map((x) =>
      h('option', { value: x.id, selected: x.id === chosen?.id }, `${x.name || x.orgId} (${x.crm}, ${x.id})`),
    ),
  );
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-quiet',
      onclick: () => {
        storeKey(null);
        sessionStorage.removeItem(TENANT);
        void render();
      },
    },
    t('signOut'),
  );
  const bar = h(
    'div',
    { class: 'card adm-bar' },
    chosen
      ? h(
          'div',
          { class: 'adm-inline' },
          h('label', { for: 'adm-tenant' }, t('tenant')),
          picker,
          h(
            'span',
            {
              class: `adm-pill ${chosen.status === 'active' ? 'adm-ok' : 'adm-bad'}`,
              'data-testid': 'tenant-status',
            },
            t(`status_${chosen.status}`),
          ),
          h(
            'span',
            { class: 'muted small' },
            t('tenantSummary', { crm: chosen.crm, org: chosen.orgId, region: chosen.region }),
          ),
        )
      : h('p', null, t('noTenants')),
    signOut,
    connected && chosen?.id === connected
      ? h('p', { role: 'status', class: 'adm-ok adm-wide' }, t('zohoConnected', { tenant: connected }))
      : null,
  );
  const onConnected = (id: string) => {
    sessionStorage.setItem(TENANT, id);
    void render();
  };
  if (!chosen) {
    root.replaceChildren(shell(t, bar, connectSection(t, null, onConnected)));
    return;
  }
  const ctx = { t, locale, tenant: chosen, changed: () => audit.reload() };
  const audit = auditSection(ctx);
  const nav = h(
    'nav',
    { class: 'adm-nav', 'aria-label': t('nav') },
    h(
      'ul',
      null,
      (
        [
          ['plans', t('plans')],
          ['status', t('status')],
          ['fields', t('fields')],
          ['connect', t('connect')],
          ['audit', t('audit')],
        ] as const
      ).map(([id, label]) => h('li', null, h('a', { href: `#${id}` }, label))),
    ),
  );
  root.replaceChildren(
    shell(
      t,
      bar,
      nav,
      plansSection(ctx),
      statusSection(ctx),
      fieldsSection(ctx),
      connectSection(t, chosen, onConnected),
      audit,
    ),
  );
}

void render();
