// The object describe (fact sheet §2.8): field types, option codes, lookups, time zone.
// Mapping reads select values through it (option code → label), never by guessing labels.
import { z } from 'zod';

export const FieldOptionSchema = z
  .object({
    label: z.string(),
    value: z.union([z.string(), z.number()]).transform(String),
    is_active: z.boolean().optional(),
  })
  .loose();

export const FieldDescribeSchema = z
  .object({
    api_name: z.string(),
    type: z.string(),
    label: z.string().optional(),
    is_active: z.boolean().optional(),
    define_type: z.string().optional(),
    options: z.array(FieldOptionSchema).optional(),
    target_api_name: z.string().optional(),
    decimal_places: z.union([z.number(), z.string()]).optional(),
    time_zone: z.string().optional(),
    date_format: z.string().optional(),
  })
  .loose();
export type FieldDescribe = z.infer<typeof FieldDescribeSchema>;

export const ObjectDescribeSchema = z
  .object({
    api_name: z.string(),
    display_name: z.string().optional(),
    fields: z.record(z.string(), FieldDescribeSchema),
  })
  .loose();
export type ObjectDescribe = z.infer<typeof ObjectDescribeSchema>;

/** `{ data: { describe: {...} } }` (§2.8). */
export const DescribeResponseSchema = z
  .object({ data: z.object({ describe: ObjectDescribeSchema }).loose() })
  .loose();

/** Option code → label for a select field, or undefined when the describe has no such option. */
export function optionLabel(field: FieldDescribe | undefined, code: string): string | undefined {
  return field?.options?.find((o) => o.value === code)?.label;
}

/** "GMT+8" / "GMT+08:00" / "Asia/Shanghai" → minutes east of UTC (default +480, the tenants we know). */
export function offsetMinutes(timeZone: string | undefined): number {
  if (!timeZone) return 480;
  const m = /^(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(timeZone.trim());
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  if (/^(Asia\/(Shanghai|Chongqing|Hong_Kong|Taipei|Singapore)|PRC)$/i.test(timeZone)) return 480;
  return 480;
}

/** Lookup fields that point at `target` (partner lookups are UNVERIFIED by name, so found by target). */
export function lookupFieldsTo(describe: ObjectDescribe, target: string): FieldDescribe[] {
  return Object.values(describe.fields).filter(
    (f) =>
      (f.type === 'object_reference' || f.type === 'master_detail') &&
      f.target_api_name === target &&
      f.is_active !== false,
  );
}
