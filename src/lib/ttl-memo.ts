// A per-key memo that forgets after `ttlMs`: for lookups a hot path repeats per
// request (a tenant's webhook target and connector) where seeing a change a few
// seconds late is acceptable. Failed or null lookups are not kept.
export function ttlMemo<T>(
  load: (key: string) => Promise<T | null>,
  opts: { ttlMs: number; now?: () => number },
): (key: string) => Promise<T | null> {
  const now = opts.now ?? Date.now;
  const kept = new Map<string, { at: number; value: Promise<T | null> }>();
  return (key) => {
    const hit = kept.get(key);
    if (hit && now() - hit.at < opts.ttlMs) return hit.value;
    const value = load(key);
    kept.set(key, { at: now(), value });
    value.then(
      (v) => {
        if (v === null && kept.get(key)?.value === value) kept.delete(key);
      },
      () => {
        if (kept.get(key)?.value === value) kept.delete(key);
      },
    );
    if (kept.size > 10_000) kept.delete(kept.keys().next().value!);
    return value;
  };
}
