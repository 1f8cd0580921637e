// Merging what a connector's install discovered into a tenant's settings without
// dropping an admin's explicit values. The previous install's findings are kept
// under `installDiscovered`: a stored value equal to what the last install found
// came from us and may be refreshed; any other stored value is the admin's and stays.
// Objects merge key by key; arrays and scalars are single values.

export const DISCOVERED_KEY = 'installDiscovered';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function mergeLevel(
  stored: Json,
  discovered: Json,
  previous: Json | undefined,
  kept: string[],
  path: string,
) {
  const out: Json = { ...stored };
  for (const [key, found] of Object.entries(discovered)) {
    const here = path ? `${path}.${key}` : key;
    const mine = stored[key];
    const before = previous?.[key];
    if (mine === undefined) out[key] = found;
    else if (isObject(mine) && isObject(found))
      out[key] = mergeLevel(mine, found, isObject(before) ? before : undefined, kept, here);
    else if (before !== undefined && same(mine, before)) out[key] = found;
    else if (!same(mine, found)) kept.push(here);
  }
  return out;
}

export interface MergeResult {
  settings: Json;
  /** Paths where the admin's value was kept although install found another. */
  kept: string[];
}

export function mergeDiscovered(stored: Json, discovered: Json): MergeResult {
  const previous = isObject(stored[DISCOVERED_KEY]) ? (stored[DISCOVERED_KEY] as Json) : undefined;
  const { [DISCOVERED_KEY]: _, ...current } = stored;
  const kept: string[] = [];
  const merged = mergeLevel(current, discovered, previous, kept, '');
  return { settings: { ...merged, [DISCOVERED_KEY]: discovered }, kept };
}
