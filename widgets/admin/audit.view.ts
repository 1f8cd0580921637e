// The tenant's audit log, newest first.
import { h } from '../shared/dom.js';
import { formatDateTime } from '../shared/format.js';
import { type AuditEntry, call, tenantPath } from './admin.api.js';
import { button, load as loadInto, section, statusLine, table, type ViewContext } from './ui.js';

export function auditSection(ctx: ViewContext): HTMLElement & { reload(): void } {
  const { t, tenant, locale } = ctx;
  const out = statusLine();
  const body = h('div', { 'data-testid': 'audit' });
  const load = async () => {
    const { entries } = await call<{ entries: AuditEntry[] }>(
      'GET',
      tenantPath(tenant.id, '/audit?limit=50'),
    );
    body.replaceChildren(
      entries.length === 0
        ? h('p', { class: 'muted' }, t('noAudit'))
        : table(
            t('audit'),
            [t('colWhen'), t('colActor'), t('colAction'), t('colDetail')],
            entries.map((e) => [
              formatDateTime(locale, e.at),
              e.actor,
              h('code', null, e.action),
              h('code', { class: 'adm-break small' }, JSON.stringify(e.detail)),
            ]),
          ),
    );
  };
  const reload = () => loadInto(t, out, load);
  const refreshBtn = button(t('refresh'), reload, true);
  reload();
  return Object.assign(
    section('audit', t('audit'), h('div', { class: 'adm-actions' }, refreshBtn), out, body),
    {
      reload,
    },
  );
}
