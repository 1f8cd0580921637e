// Sorting for the many tiny lists scored per partner (a partner's deals, accounts,
// feedback items). Array.prototype.sort sets up about a kilobyte of merge state on
// every call, which over ten thousand partners is tens of megabytes of garbage; an
// insertion sort of a short list allocates nothing. Both are stable, so the order
// is the same as list.sort(compare).
const SMALL = 16;

export function sortInPlace<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > SMALL) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let j = i - 1;
    while (j >= 0 && compare(list[j]!, item) > 0) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
  return list;
}

/** Strings in code-unit order, as [...strings].sort() orders them. */
export function sortedStrings(strings: Iterable<string>): string[] {
  return sortInPlace([...strings], compareText);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
