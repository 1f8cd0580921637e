// Result fields (install on Zoho, check on Fxiaoke) with the outcome per field, and the
// tenant settings — the field mapping the check discovered — as an editable JSON object.
import { h } from '../shared/dom.js';
import { call, type InstallReport, tenantPath } from './admin.api.js';
import { act, button, field, load, section, statusLine, table, type ViewContext } from './ui.js';

export function fieldsSection(ctx: ViewContext): HTMLElement {
  const { t, tenant } = ctx;
  const out = statusLine();
  const report = h('div', { 'data-testid': 'install-report' });
  const settings = h('textarea', {
    class: 'adm-code',
    rows: 12,
    spellcheck: 'false',
    name: 'settings',
  }) as HTMLTextAreaElement;
  const discovered = h('p', { class: 'muted small' });
  const settingsOut = statusLine();

  const loadSettings = async () => {
    const r = await call<{ settings: Record<string, unknown> }>('GET', tenantPath(tenant.id, '/settings'));
    settings.value = JSON.stringify(r.settings, null, 2);
    // The check keeps what it found under installDiscovered (a value the admin set wins).
    const found = r.settings.installDiscovered;
    discovered.replaceChildren(
      found && typeof found === 'object'
        ? h(
            'span',
            null,
            t('discovered', { keys: '' }),
            h('code', { class: 'adm-break' }, JSON.stringify(found)),
          )
        : '',
    );
  };

  const installBtn = button(
    t('installFields'),
    () =>
      void act(t, installBtn, out, async () => {
        const r = await call<InstallReport>('POST', tenantPath(tenant.id, '/install-fields'));
        const row = (name: string, state: 'fieldCreated' | 'fieldPresent' | 'fieldMissing', note = '') => [
          h('code', null, name),
          h('span', { class: state === 'fieldMissing' ? 'adm-pill adm-bad' : 'adm-pill adm-ok' }, t(state)),
          note,
        ];
        report.replaceChildren(
          table(
            t('fields'),
            [t('colField'), t('colStatus'), t('colNote')],
            [
              ...r.created.map((f) => row(f, 'fieldCreated')),
              ...r.present.map((f) => row(f, 'fieldPresent')),
              ...r.missing.map((f) =>
                row(f.apiName, 'fieldMissing', `${f.label} (${f.type})${f.note ? ` — ${f.note}` : ''}`),
              ),
            ],
          ),
          r.keptSettings.length
            ? h('p', { class: 'muted small' }, t('keptSettings', { keys: r.keptSettings.join(', ') }))
            : '',
        );
        out.say(r.ok ? t('fieldsOk') : t('fieldsMissing', { count: r.missing.length }), r.ok ? 'ok' : 'bad');
        await loadSettings();
        ctx.changed();
      }),
  );

  const saveBtn = button(
    t('saveSettings'),
    () =>
      void act(t, saveBtn, settingsOut, async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(settings.value);
        } catch (e) {
          settingsOut.say(t('invalidJson', { message: (e as Error).message }), 'bad');
          return;
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
          settingsOut.say(t('invalidJson', { message: '{…}' }), 'bad');
          return;
        }
        await call('PUT', tenantPath(tenant.id, '/settings'), { settings: parsed });
        settingsOut.say(t('done'), 'ok');
        ctx.changed();
      }),
  );

  load(t, settingsOut, loadSettings);

  return section(
    'fields',
    t('fields'),
    h('p', { class: 'muted small' }, t('fieldsHelp')),
    h('div', { class: 'adm-actions' }, installBtn),
    out,
    report,
    field(t('mapping'), settings, t('mappingHelp')),
    discovered,
    h('div', { class: 'adm-actions' }, saveBtn),
    settingsOut,
  );
}
