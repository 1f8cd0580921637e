// Connect a CRM: Zoho through our OAuth start (the data centre picks Zoho's accounts
// server; the secret travels in a POST body, never a URL), Fxiaoke with the custom app's
// credentials, checked at Fxiaoke before a tenant is created.
import { FXIAOKE_CLOUDS } from '../../connectors/fxiaoke/fxiaoke.hosts.js';
import { ZOHO_DATA_CENTRE_IDS } from '../../connectors/zoho/zoho.hosts.js';
import { h } from '../shared/dom.js';
import { call, type Tenant } from './admin.api.js';
import type { T } from './admin.i18n.js';
import { act, button, field, input, section, statusLine } from './ui.js';

export function connectSection(
  t: T,
  tenant: Tenant | null,
  openTenant: (tenantId: string) => void,
): HTMLElement {
  const zOut = statusLine();
  const dc = h(
    'select',
    { name: 'dataCentre' },
    ZOHO_DATA_CENTRE_IDS.map((id) => h('option', { value: id }, id.toUpperCase())),
  ) as HTMLSelectElement;
  const clientId = input({ name: 'clientId' });
  const clientSecret = input({ name: 'clientSecret', type: 'password' });
  const zName = input({ name: 'name' });
  const toZoho = (authorizeUrl: string) => location.assign(authorizeUrl);
  const zohoBtn = button(
    t('continueZoho'),
    () =>
      void act(t, zohoBtn, zOut, async () => {
        const r = await call<{ authorizeUrl: string }>('POST', '/oauth/zoho/start', {
          dataCentre: dc.value,
          clientId: clientId.value.trim(),
          clientSecret: clientSecret.value.trim(),
          ...(zName.value.trim() ? { name: zName.value.trim() } : {}),
        });
        toZoho(r.authorizeUrl);
      }),
  );
  const reconnectBtn =
    tenant?.crm === 'zoho'
      ? button(
          t('reconnectZoho'),
          () =>
            void act(t, reconnectBtn, zOut, async () => {
              const r = await call<{ authorizeUrl: string }>(
                'GET',
                `/oauth/zoho/start?tenant=${encodeURIComponent(tenant.id)}`,
              );
              toZoho(r.authorizeUrl);
            }),
          true,
        )
      : null;

  const fOut = statusLine();
  const fResult = h('div');
  const appId = input({ name: 'appId', placeholder: 'FSAID_…' });
  const appSecret = input({ name: 'appSecret', type: 'password' });
  const permanentCode = input({ name: 'permanentCode', type: 'password' });
  const mobile = input({ name: 'adminMobile', type: 'tel', inputmode: 'tel' });
  const gateway = input({
    name: 'baseUrl',
    type: 'url',
    list: 'adm-fx-clouds',
    placeholder: 'https://open.fxiaoke.com',
  });
  const clouds = h(
    'datalist',
    { id: 'adm-fx-clouds' },
    Object.values(FXIAOKE_CLOUDS).map((host) => h('option', { value: `https://${host}` })),
  );
  const fName = input({ name: 'name' });
  const fxBtn = button(
    t('connectFxiaoke'),
    () =>
      void act(t, fxBtn, fOut, async () => {
        const r = await call<{ tenant: Tenant; orgId: string; webhookUrl: string | null }>(
          'POST',
          '/api/admin/connect/fxiaoke',
          {
            appId: appId.value.trim(),
            appSecret: appSecret.value.trim(),
            permanentCode: permanentCode.value.trim(),
            adminMobile: mobile.value.trim(),
            ...(gateway.value.trim() ? { baseUrl: gateway.value.trim() } : {}),
            ...(fName.value.trim() ? { name: fName.value.trim() } : {}),
          },
        );
        appSecret.value = '';
        permanentCode.value = '';
        fOut.say(t('connected', { tenant: r.tenant.id, org: r.orgId }), 'ok');
        // The push URL stays until the admin moves on: the app's callback setting needs it.
        fResult.replaceChildren(
          r.webhookUrl
            ? h('p', { class: 'small' }, t('pushUrl'), ' ', h('code', { class: 'adm-break' }, r.webhookUrl))
            : '',
          button(t('openTenant', { tenant: r.tenant.id }), () => openTenant(r.tenant.id)),
        );
      }),
  );

  return section(
    'connect',
    t('connect'),
    h(
      'div',
      { class: 'adm-two' },
      h(
        'fieldset',
        { class: 'adm-fieldset' },
        h('legend', null, t('zoho')),
        h(
          'p',
          { class: 'muted small' },
          t('zohoHelp', { redirect: `${location.origin}/oauth/zoho/callback` }),
        ),
        field(t('dataCentre'), dc),
        field(t('clientId'), clientId),
        field(t('clientSecret'), clientSecret),
        field(t('orgName'), zName),
        h('div', { class: 'adm-actions' }, zohoBtn, reconnectBtn),
        zOut,
      ),
      h(
        'fieldset',
        { class: 'adm-fieldset' },
        h('legend', null, t('fxiaoke')),
        h('p', { class: 'muted small' }, t('fxiaokeHelp')),
        field(t('appId'), appId),
        field(t('appSecret'), appSecret),
        field(t('permanentCode'), permanentCode),
        field(t('adminMobile'), mobile),
        field(t('gateway'), gateway, t('gatewayHelp')),
        clouds,
        field(t('orgName'), fName),
        h('div', { class: 'adm-actions' }, fxBtn),
        fOut,
        fResult,
      ),
    ),
  );
}
