// Which of our two languages to show, and filling `{name}` placeholders: shared by the
// partner widget and the admin console (which must not pull in the widget's strings).
import type { Locale } from './types.js';

export function pickLocale(...candidates: (string | null | undefined)[]): Locale {
  for (const c of candidates) {
    if (!c) continue;
    const norm = c.replace('_', '-').toLowerCase();
    if (norm.startsWith('zh')) return 'zh-CN';
    if (norm.startsWith('en')) return 'en';
  }
  return 'en';
}

export function fillTemplate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
