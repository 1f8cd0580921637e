// Sync and write-back: entity cursors, record and inbox counts, write-back states, the push
// subscription, recent errors and runs, with buttons that start a sync or a recalculation.
import { h } from '../shared/dom.js';
import { formatDateTime, formatNumber } from '../shared/format.js';
import {
  call,
  type RecentErrors,
  type Run,
  type Subscription,
  type SyncStatus,
  tenantPath,
} from './admin.api.js';
import { act, button, load as loadInto, section, statusLine, table, type ViewContext } from './ui.js';

export function statusSection(ctx: ViewContext): HTMLElement {
  const { t, tenant, locale } = ctx;
  const path = (rest: string) => tenantPath(tenant.id, rest);
  const out = statusLine();
  const body = h('div', { class: 'adm-status-body', 'aria-busy': 'true' });
  const when = (iso: string | null) => (iso ? formatDateTime(locale, iso) : t('never'));
  const counts = (title: string, c: Record<string, number>) =>
    h(
      'div',
      { class: 'adm-stat' },
      h('span', { class: 'muted small' }, title),
      h(
        'span',
        { class: 'small' },
        Object.entries(c)
          .map(([k, v]) => `${k} ${formatNumber(locale, v)}`)
          .join(' · ') || '—',
      ),
    );

  const load = async () => {
    const [sync, sub, errors, runs] = await Promise.all([
      call<SyncStatus>('GET', path('/sync')),
      call<{ subscription: Subscription | null }>('GET', path('/subscription')),
      call<RecentErrors>('GET', path('/errors?limit=20')),
      call<{ runs: Run[] }>('GET', path('/runs')),
    ]);
    const s = sub.subscription;
    body.replaceChildren(
      h(
        'div',
        { class: 'adm-stats' },
        counts(t('records'), sync.records),
        counts(t('inbox'), sync.inbox),
        counts(t('writeback'), sync.writeback),
      ),
      sync.entities.length === 0
        ? h('p', { class: 'muted' }, t('noSync'))
        : table(
            t('status'),
            [t('entity'), t('lastFinished'), t('lastError')],
            sync.entities.map((e) => [
              e.entity,
              when(e.lastFinishedAt),
              e.lastError ? h('span', { class: 'adm-bad' }, e.lastError) : '—',
            ]),
          ),
      h('h3', null, t('subscription')),
      h(
        'p',
        { 'data-testid': 'subscription' },
        s
          ? [
              t('channel', { channel: s.channelId }),
              ' · ',
              s.expiresAt
                ? h(
                    'span',
                    { class: s.expired ? 'adm-bad' : '' },
                    t(s.expired ? 'expired' : 'expires', { time: when(s.expiresAt) }),
                  )
                : '',
              ' · ',
              t('renewed', { time: when(s.renewedAt) }),
              s.lastError ? h('span', { class: 'adm-bad' }, ` · ${s.lastError}`) : '',
            ]
          : h('span', { class: 'muted' }, t('noSubscription')),
      ),
      h('h3', null, t('errors')),
      errors.quarantine.length + errors.writeback.length === 0
        ? h('p', { class: 'muted' }, t('noErrors'))
        : h(
            'ul',
            { class: 'adm-list adm-errors' },
            errors.quarantine.map((q) =>
              h(
                'li',
                null,
                `${when(q.createdAt)} · `,
                t('quarantined', { entity: q.entity, id: q.recordId, reason: q.reason }),
              ),
            ),
            errors.writeback.map((w) =>
              h(
                'li',
                null,
                t('writebackFailed', { partner: w.partnerId, period: w.period, error: w.error ?? '—' }),
              ),
            ),
          ),
      h('h3', null, t('runs')),
      runs.runs.length === 0
        ? h('p', { class: 'muted' }, t('noRuns'))
        : table(
            t('runs'),
            [t('colKind'), t('colStatus'), t('colCreated'), t('colFinished'), t('colProgress')],
            runs.runs.slice(0, 10).map((r) => [
              r.kind,
              h(
                'span',
                { class: r.status === 'failed' ? 'adm-bad' : '' },
                r.error ? `${r.status}: ${r.error}` : r.status,
              ),
              when(r.createdAt),
              when(r.finishedAt),
              Object.entries(r.progress)
                .map(([k, v]) => `${k} ${v}`)
                .join(' · '),
            ]),
          ),
    );
    body.removeAttribute('aria-busy');
  };

  const start = (btn: () => HTMLButtonElement, what: string, payload: object) =>
    void act(t, btn(), out, async () => {
      const r = await call<{ runId: string }>('POST', path(what), payload);
      out.say(t('started', { run: r.runId }), 'ok');
      await load();
      ctx.changed();
    });
  const syncBtn: HTMLButtonElement = button(t('startSync'), () => start(() => syncBtn, '/sync', {}));
  const fullBtn: HTMLButtonElement = button(
    t('startFull'),
    () => start(() => fullBtn, '/sync', { full: true }),
    true,
  );
  const recalcBtn: HTMLButtonElement = button(
    t('startRecalc'),
    () => start(() => recalcBtn, '/recalc', {}),
    true,
  );
  const refreshBtn: HTMLButtonElement = button(t('refresh'), () => loadInto(t, out, load, refreshBtn), true);

  loadInto(t, out, load);
  return section(
    'status',
    t('status'),
    h('div', { class: 'adm-actions' }, syncBtn, fullBtn, recalcBtn, refreshBtn),
    out,
    body,
  );
}
