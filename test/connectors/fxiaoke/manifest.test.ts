// The install kit stays true to the connector: same result fields, same function names,
// and the APL write function allows exactly the default result fields.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESULT_FIELDS,
  parseFxiaokeSettings,
  RESULT_KEYS,
} from '../../../connectors/fxiaoke/fxiaoke.settings.js';

const dir = new URL('../../../manifest/fxiaoke/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('fields.json', dir), 'utf8')) as {
  fields: { key: string; apiName: string; label: string; type: string; decimals?: number }[];
  functions: Record<string, { apiName: string; file: string }>;
};

describe('manifest/fxiaoke', () => {
  it('fields.json lists exactly the connector default result fields', () => {
    expect(manifest.fields.map((f) => f.key)).toEqual([...RESULT_KEYS]);
    for (const f of manifest.fields) {
      const d = DEFAULT_RESULT_FIELDS[f.key as keyof typeof DEFAULT_RESULT_FIELDS];
      expect({ apiName: f.apiName, label: f.label, type: f.type, decimals: f.decimals }).toEqual({
        apiName: d.apiName,
        label: d.label,
        type: d.type,
        decimals: d.decimals,
      });
    }
  });

  it('the APL write function allows exactly those fields, and its api name is the default setting', () => {
    const groovy = readFileSync(new URL(manifest.functions.writeResults!.file, dir), 'utf8');
    const allowed = /List ALLOWED_FIELDS = \[([^\]]*)\]/.exec(groovy)?.[1] ?? '';
    const names = [...allowed.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(
      Object.values(DEFAULT_RESULT_FIELDS)
        .map((d) => d.apiName)
        .sort(),
    );
    expect(groovy).toContain('Fx.object.batchUpdate');
    expect(manifest.functions.writeResults!.apiName).toBe(
      parseFxiaokeSettings({ operator: { openUserId: 'x' } }).aplFunctionApiName,
    );
  });

  it('the workflow function sends the body and header our verifier expects', () => {
    const groovy = readFileSync(new URL(manifest.functions.dealWonWebhook!.file, dir), 'utf8');
    expect(groovy).toContain('"source"  : "channel-incentives-apl"');
    expect(groovy).toContain('"x-ci-webhook-secret"');
    expect(groovy).toContain('"version" : opp["last_modified_time"]');
  });
});
