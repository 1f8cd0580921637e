// Checked records of one kind (partners, accounts), indexed by id in one pass.
import type { RecordError } from './results.js';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The id a record's errors are listed under: its own, or its place in the list. */
export function idOf(raw: unknown, index: number): string {
  return isObj(raw) && typeof raw.id === 'string' && raw.id !== '' ? raw.id : `#${index}`;
}

/**
 * Checks each record and keeps the good ones by id. An id that occurs more than once
 * (counting records that fail their check) leaves every copy out, whatever the input
 * order: each good copy gets a 'duplicate id' error. One pass, and the result map is
 * also the record of ids seen: a separate set of every id would cost as much again.
 */
export function recordsById<T>(
  records: unknown[],
  type: RecordError['type'],
  check: (raw: unknown) => string | null,
  make: (raw: Obj, id: string) => T,
  errors: RecordError[],
): Map<string, T> {
  const kept = new Map<string, T>();
  /** Ids of records that failed their check. */
  const failedIds = new Set<string>();
  /** Good copies beyond the first, per id. */
  const extraCopies = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const raw = records[i];
    const reason = check(raw);
    if (reason !== null) {
      errors.push({ type, id: idOf(raw, i), reason });
      if (isObj(raw) && typeof raw.id === 'string') failedIds.add(raw.id);
      continue;
    }
    const id = (raw as Obj).id as string; // a non-empty string: check passed
    if (kept.has(id)) extraCopies.set(id, (extraCopies.get(id) ?? 0) + 1);
    else kept.set(id, make(raw as Obj, id));
  }
  const leftOut = (id: string, copies: number) => {
    kept.delete(id);
    for (let n = 0; n < copies; n++) errors.push({ type, id, reason: 'duplicate id' });
  };
  for (const [id, extra] of extraCopies) leftOut(id, 1 + extra);
  for (const id of failedIds) if (kept.has(id)) leftOut(id, 1);
  return kept;
}
