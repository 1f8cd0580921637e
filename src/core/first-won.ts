// Each account's first won deal, ever (ties broken by deal id): the fact behind
// new-customer metrics. Prepare notes every won deal closed before the horizon here,
// hundreds of thousands on a large input, so the per-deal step is kept to one map
// lookup and two reads from flat arrays.
import type { Account } from './input.js';

export interface FirstWon {
  dealId: string;
  closedMs: number;
}

export class FirstWonTracker {
  /** Account id → slot in the arrays below. */
  private readonly slotOf = new Map<string, number>();
  // Per slot. An array of numbers keeps them unboxed side by side; a number field of
  // an object per account would sit in a box of its own, one more cache miss per deal.
  private readonly closedMs: number[] = [];
  private readonly dealIds: string[] = [];
  private readonly records: (Account | undefined)[] = [];
  /** The entry credits link to, made when a credit first asks; filled in by finish(). */
  private readonly entries: (FirstWon | undefined)[] = [];

  /**
   * The input's accounts get their slots up front: lookups then compare against the
   * accounts' own id strings, which sit together in memory (the deals' copies are
   * scattered over a million records), and the account record comes with the slot.
   */
  constructor(accounts: Map<string, Account>) {
    for (const [id, account] of accounts) this.add(id, account);
  }

  private add(accountId: string, account: Account | undefined): number {
    const slot = this.closedMs.length;
    this.slotOf.set(accountId, slot);
    this.closedMs.push(Number.POSITIVE_INFINITY);
    this.dealIds.push('');
    this.records.push(account);
    this.entries.push(undefined);
    return slot;
  }

  /** Notes a won deal of the account and returns the account's slot. */
  see(accountId: string, dealId: string, closedMs: number): number {
    let slot = this.slotOf.get(accountId);
    // An account the input does not list: no record, but it has a first won deal.
    if (slot === undefined) slot = this.add(accountId, undefined);
    const earliest = this.closedMs[slot]!;
    if (closedMs < earliest || (closedMs === earliest && dealId < this.dealIds[slot]!)) {
      this.closedMs[slot] = closedMs;
      this.dealIds[slot] = dealId;
    }
    return slot;
  }

  /** The account record of a slot (undefined for an account the input does not list). */
  account(slot: number): Account | undefined {
    return this.records[slot];
  }

  /**
   * The first-won entry of a slot's account, for a credit to link to now; its fields
   * are final once finish() has run. Handed out at once rather than set on the credit
   * later: a field written after creation would change the type V8 recorded for it
   * and make it migrate every credit object.
   */
  entry(slot: number): FirstWon {
    let first = this.entries[slot];
    if (first === undefined) {
      first = { dealId: '', closedMs: Number.POSITIVE_INFINITY };
      this.entries[slot] = first;
    }
    return first;
  }

  /**
   * Every deal is seen: the entries handed out get their final values. Only those
   * are read (through the credits that link them), so no map of every account's
   * first win is built.
   */
  finish(): void {
    const entries = this.entries;
    for (let slot = 0; slot < entries.length; slot++) {
      const first = entries[slot];
      if (first === undefined) continue;
      // An entry is handed out only after see() noted a deal of its account.
      first.dealId = this.dealIds[slot]!;
      first.closedMs = this.closedMs[slot]!;
    }
  }
}
