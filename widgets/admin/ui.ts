// Small building blocks of the console's forms and tables (on top of the shared h()).
import { h } from '../shared/dom.js';
import { ApiFailure } from './admin.api.js';
import type { T } from './admin.i18n.js';

type Child = Parameters<typeof h>[2];
let ids = 0;
export const uid = (prefix: string) => `${prefix}-${++ids}`;

export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { id, class: 'card adm-section', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title`, class: 'card-title' }, title),
    ...children,
  );
}

/** A labelled control; `help` is announced with it (aria-describedby). */
export function field(label: string, control: HTMLElement, help?: string): HTMLElement {
  control.id ||= uid('f');
  const helpId = help ? `${control.id}-help` : null;
  if (helpId) control.setAttribute('aria-describedby', helpId);
  return h(
    'div',
    { class: 'adm-field' },
    h('label', { for: control.id }, label),
    control,
    help ? h('p', { id: helpId, class: 'muted small' }, help) : null,
  );
}

export function input(attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  return h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs }) as HTMLInputElement;
}

export function button(label: string, onClick: () => void, quiet = false): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: quiet ? 'btn btn-quiet' : 'btn', onclick: onClick },
    label,
  ) as HTMLButtonElement;
}

/** A polite live region for the outcome of an action. */
export function statusLine(): HTMLElement & { say(text: string, kind?: 'ok' | 'bad' | 'info'): void } {
  const el = h('p', { role: 'status', class: 'adm-status', 'aria-live': 'polite' });
  return Object.assign(el, {
    say(text: string, kind: 'ok' | 'bad' | 'info' = 'info') {
      el.className = `adm-status adm-${kind}`;
      el.textContent = text;
    },
  });
}

/** Runs an action with the button disabled and the outcome (or the server's refusal) said. */
export async function act<R>(
  t: T,
  btn: HTMLButtonElement | null,
  out: ReturnType<typeof statusLine>,
  run: () => Promise<R>,
): Promise<R | undefined> {
  if (btn) {
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
  }
  out.say(t('working'));
  try {
    const r = await run();
    return r;
  } catch (e) {
    out.say(
      t('failed', { message: e instanceof ApiFailure || e instanceof Error ? e.message : String(e) }),
      'bad',
    );
    return undefined;
  } finally {
    if (btn) {
      btn.disabled = false;
      btn.removeAttribute('aria-busy');
    }
  }
}

/** Loads a section's data: "working" while it runs, nothing once it has, the refusal if not. */
export function load(
  t: T,
  out: ReturnType<typeof statusLine>,
  run: () => Promise<unknown>,
  btn: HTMLButtonElement | null = null,
): void {
  void act(t, btn, out, async () => {
    await run();
    out.say('');
  });
}

export function table(caption: string, headers: string[], rows: Child[][], cls = ''): HTMLElement {
  return h(
    'div',
    { class: 'adm-scroll' },
    h(
      'table',
      { class: `adm-table ${cls}` },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            r.map((c) => h('td', null, c)),
          ),
        ),
      ),
    ),
  );
}

/** What every section gets: the strings, the locale, the tenant, and a way to tell the
 *  page something changed (the status and audit sections reload). */
export interface ViewContext {
  t: T;
  locale: import('../shared/types.js').Locale;
  tenant: import('./admin.api.js').Tenant;
  changed(): void;
}
