// The plan text box with a line-number gutter: problems the server reports are marked at
// their lines, listed below, and each listed problem moves the caret to its line.
import { h } from '../shared/dom.js';
import type { Problem } from './admin.api.js';
import type { T } from './admin.i18n.js';
import { uid } from './ui.js';

export interface PlanEditor {
  element: HTMLElement;
  textarea: HTMLTextAreaElement;
  showProblems(problems: Problem[], heading: string): void;
  clearProblems(): void;
}

export function planEditor(t: T): PlanEditor {
  const id = uid('plan');
  const gutter = h('pre', { class: 'adm-gutter', 'aria-hidden': 'true' });
  const textarea = h('textarea', {
    id,
    class: 'adm-code',
    rows: 18,
    wrap: 'off',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': `${id}-help ${id}-problems`,
  }) as HTMLTextAreaElement;
  const list = h('div', { id: `${id}-problems`, class: 'adm-problems' });
  let marked = new Map<number, string[]>();

  const drawGutter = () => {
    const lines = Math.max(1, textarea.value.split('\n').length);
    const spans: HTMLElement[] = [];
    for (let n = 1; n <= lines; n++) {
      const msgs = marked.get(n);
      spans.push(
        h(
          'span',
          msgs ? { 'data-line': n, class: 'adm-bad-line', title: msgs.join('\n') } : { 'data-line': n },
          String(n),
        ),
      );
    }
    gutter.replaceChildren(...spans);
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener('input', drawGutter);
  textarea.addEventListener('scroll', () => {
    gutter.scrollTop = textarea.scrollTop;
  });

  const goTo = (line: number) => {
    const starts = textarea.value.split('\n');
    const offset = starts.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    textarea.focus();
    textarea.setSelectionRange(offset, offset + (starts[line - 1]?.length ?? 0));
    const lh = Number.parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lh);
  };

  const element = h(
    'div',
    { class: 'adm-field' },
    h('label', { for: id }, t('planSource')),
    h('p', { id: `${id}-help`, class: 'muted small' }, t('planHelp')),
    h('div', { class: 'adm-editor' }, gutter, textarea),
    list,
  );
  drawGutter();

  return {
    element,
    textarea,
    showProblems(problems, heading) {
      marked = new Map();
      for (const p of problems) {
        if (p.line === undefined) continue;
        marked.set(p.line, [...(marked.get(p.line) ?? []), `${p.path}: ${p.message}`]);
      }
      drawGutter();
      list.replaceChildren(
        h('p', { class: 'adm-bad' }, heading),
        h(
          'ol',
          { class: 'adm-problem-list' },
          problems.map((p) =>
            h(
              'li',
              null,
              p.line === undefined
                ? h('span', { class: 'adm-line-ref' }, t('noLine'))
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'adm-line-ref',
                      'data-line': p.line,
                      onclick: () => goTo(p.line!),
                    },
                    t('problemAt', { line: p.line }),
                  ),
              ' ',
              h('code', null, p.path),
              ' — ',
              p.message,
            ),
          ),
        ),
      );
    },
    clearProblems() {
      marked = new Map();
      drawGutter();
      list.replaceChildren();
    },
  };
}
