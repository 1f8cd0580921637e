// Write validation as the gateway applies it to data/update and data/create: unknown fields,
// system fields, and the write formats of fact sheet §2.7 (numbers as strings, dates as ms,
// option codes not labels).
import type { SandboxDescribe } from './sandbox.describe.js';

type Json = Record<string, unknown>;

export function validateFields(
  d: SandboxDescribe | undefined,
  apiName: string,
  fields: Json,
  exists: (apiName: string, id: string) => boolean,
): string | null {
  if (!d) return `object ${apiName} does not exist`;
  for (const [k, v] of Object.entries(fields)) {
    const f = d.fields[k];
    if (!f?.is_active) return `field ${k} does not exist on ${apiName}`;
    if (f.define_type === 'system' || k === 'owner') return `field ${k} cannot be changed with update`;
    if (v === null || v === '') continue;
    switch (f.type) {
      case 'number':
      case 'currency':
      case 'percentile':
        if (!(typeof v === 'number' || (typeof v === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v)))) {
          return `field ${k} (${f.type}) needs a number written as a string, got ${JSON.stringify(v)}`;
        }
        break;
      case 'date':
      case 'date_time':
        if (typeof v !== 'number' || !Number.isInteger(v))
          return `field ${k} (${f.type}) needs a ms timestamp (Long)`;
        break;
      case 'text':
      case 'long_text':
        if (typeof v !== 'string') return `field ${k} (${f.type}) needs a string`;
        if (f.max_length && v.length > f.max_length)
          return `field ${k} is longer than ${f.max_length} characters`;
        break;
      case 'select_one':
        if (!f.options?.some((o) => o.value === v))
          return `field ${k}: ${JSON.stringify(v)} is not an option value`;
        break;
      case 'true_or_false':
        if (typeof v !== 'boolean') return `field ${k} needs true or false`;
        break;
      case 'object_reference':
        if (typeof v !== 'string' || !exists(f.target_api_name ?? '', v)) {
          return `field ${k}: no ${f.target_api_name} with id ${JSON.stringify(v)}`;
        }
        break;
    }
  }
  return null;
}
