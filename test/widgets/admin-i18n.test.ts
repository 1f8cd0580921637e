// The admin console's strings: every key in both languages, none empty, the same
// placeholders on both sides (a translation that drops `{line}` would hide the line).
import { describe, expect, it } from 'vitest';
import { adminMessageKeys, translator } from '../../widgets/admin/admin.i18n.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('admin console strings', () => {
  it('has every key in both languages with the same placeholders', () => {
    expect(adminMessageKeys('zh-CN')).toEqual(adminMessageKeys('en'));
    const en = translator('en');
    const zh = translator('zh-CN');
    for (const key of adminMessageKeys('en')) {
      expect(en(key).trim(), `en ${key}`).not.toBe('');
      expect(zh(key).trim(), `zh-CN ${key}`).not.toBe('');
      expect(placeholders(zh(key)), key).toEqual(placeholders(en(key)));
    }
  });

  it('fills placeholders', () => {
    expect(translator('en')('problemAt', { line: 16 })).toBe('line 16');
    expect(translator('zh-CN')('problemAt', { line: 16 })).toBe('第 16 行');
    expect(translator('en')('previewVs', {})).toBe('Candidate compared with active version {version}');
  });
});
