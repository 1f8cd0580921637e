// Plan section: edit, validate (problems at their lines), preview a change on a past
// period, save as a new version, activate a version.
import { h } from '../shared/dom.js';
import { formatDateTime } from '../shared/format.js';
import { ApiFailure, call, type PlanPreview, type PlanVersion, tenantPath } from './admin.api.js';
import { planEditor } from './plan-editor.view.js';
import { renderPreview } from './preview.view.js';
import { act, button, field, input, load, section, statusLine, type ViewContext } from './ui.js';

export function plansSection(ctx: ViewContext): HTMLElement {
  const { t, tenant } = ctx;
  const path = (rest: string) => tenantPath(tenant.id, rest);
  const editor = planEditor(t);
  const out = statusLine();
  const period = input({ name: 'period', placeholder: '2027-Q1', inputmode: 'text' });
  const previewBox = h('div', { class: 'adm-preview-box' });
  const versionsBox = h('div', { class: 'adm-versions' });
  const body = () => ({ source: editor.textarea.value });

  /** A refusal carrying plan problems is shown at the lines; anything else is said. */
  const problemsOr = (e: unknown) => {
    if (e instanceof ApiFailure && e.problems.length) {
      editor.showProblems(e.problems, t('planProblems', { count: e.problems.length }));
      out.say(t('planProblems', { count: e.problems.length }), 'bad');
      return;
    }
    throw e;
  };

  const loadVersions = async () => {
    const { versions } = await call<{ versions: PlanVersion[] }>('GET', path('/plans'));
    versionsBox.replaceChildren(
      versions.length === 0
        ? h('p', { class: 'muted' }, t('noPlan'))
        : h(
            'ul',
            { class: 'adm-list' },
            [...versions]
              .reverse()
              .map((v) =>
                h(
                  'li',
                  { 'data-version': v.version },
                  h('strong', null, t('version', { version: v.version })),
                  ` ${v.format} · ${formatDateTime(ctx.locale, v.createdAt)} · ${v.createdBy} `,
                  v.active
                    ? h('span', { class: 'adm-pill adm-ok' }, t('active'))
                    : button(
                        `${t('activate')} ${t('version', { version: v.version })}`,
                        () => void activate(v.version),
                        true,
                      ),
                ),
              ),
          ),
    );
    return versions;
  };

  const activate = (version: number) =>
    act(t, null, out, async () => {
      await call('POST', path(`/plans/${version}/activate`));
      out.say(t('activated', { version }), 'ok');
      await loadVersions();
      ctx.changed();
    });

  const loadActive = async () => {
    const versions = await loadVersions();
    const activeV = versions.find((v) => v.active);
    if (!activeV) return;
    const v = await call<{ source: string }>('GET', path(`/plans/${activeV.version}`));
    editor.textarea.value = v.source;
    editor.clearProblems();
  };

  const validateBtn = button(
    t('validate'),
    () =>
      void act(t, validateBtn, out, async () => {
        const r = await call<{ ok: boolean; problems: { path: string; message: string; line?: number }[] }>(
          'POST',
          path('/plans/validate'),
          body(),
        );
        if (r.ok) {
          editor.clearProblems();
          out.say(t('planValid'), 'ok');
        } else {
          editor.showProblems(r.problems, t('planProblems', { count: r.problems.length }));
          out.say(t('planProblems', { count: r.problems.length }), 'bad');
        }
      }),
  );
  const previewBtn = button(
    t('previewRun'),
    () =>
      void act(t, previewBtn, out, async () => {
        try {
          const p = await call<PlanPreview>('POST', path('/plans/preview'), {
            ...body(),
            ...(period.value.trim() ? { period: period.value.trim() } : {}),
          });
          editor.clearProblems();
          previewBox.replaceChildren(renderPreview(p, t, ctx.locale));
          out.say(t('done'), 'ok');
        } catch (e) {
          previewBox.replaceChildren();
          problemsOr(e);
        }
      }),
  );
  const uploadBtn = button(
    t('upload'),
    () =>
      void act(t, uploadBtn, out, async () => {
        try {
          const v = await call<PlanVersion>('POST', path('/plans'), body());
          editor.clearProblems();
          out.say(t('uploaded', { version: v.version }), 'ok');
          await loadVersions();
          ctx.changed();
        } catch (e) {
          problemsOr(e);
        }
      }),
    true,
  );
  const loadBtn = button(t('loadActive'), () => void act(t, loadBtn, out, loadActive), true);

  load(t, out, loadActive);

  return section(
    'plans',
    t('plans'),
    editor.element,
    h('div', { class: 'adm-actions' }, loadBtn, validateBtn, uploadBtn),
    h(
      'fieldset',
      { class: 'adm-fieldset' },
      h('legend', null, t('preview')),
      h('div', { class: 'adm-row' }, field(t('previewPeriod'), period), previewBtn),
    ),
    out,
    previewBox,
    h('h3', null, t('versions')),
    versionsBox,
  );
}
