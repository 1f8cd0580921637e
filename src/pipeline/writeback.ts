// Deciding what a write-back job sends: only results the CRM does not already show,
// in batches within the CRM's per-call limit, and after a partial failure only the
// records that failed for a reason worth retrying. Pure; the job does the I/O.
import type { ErrorClass, ResultWrite, WriteOutcome } from '../../connectors/contract.js';

export interface Candidate {
  write: ResultWrite;
  /** The inputsHash last confirmed written to the CRM for this partner, if any. */
  writtenHash: string | null;
}

/** Results whose hash the CRM already shows cost no call at all. */
export function needsWrite(candidates: Candidate[]): ResultWrite[] {
  return candidates.filter((c) => c.write.fields.inputsHash !== c.writtenHash).map((c) => c.write);
}

export function inBatches<T>(items: T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`batch size must be a whole number ≥ 1, not ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface Sorted {
  written: ResultWrite[];
  /** Failed for a passing reason (rate limit, timeout, 5xx): send again, alone. */
  retry: ResultWrite[];
  /** Failed for good (bad value, record gone): recorded with the reason, not retried. */
  failed: { write: ResultWrite; error: ErrorClass; message: string }[];
}

/** Sorts one batch's per-record outcomes; a record with no outcome is retried. */
export function sortOutcomes(batch: ResultWrite[], outcomes: WriteOutcome[]): Sorted {
  const byPartner = new Map(outcomes.map((o) => [o.partnerId, o]));
  const sorted: Sorted = { written: [], retry: [], failed: [] };
  for (const write of batch) {
    const outcome = byPartner.get(write.partnerId);
    if (!outcome) sorted.retry.push(write);
    else if (outcome.ok) sorted.written.push(write);
    else if (outcome.error.kind === 'retryable' || outcome.error.kind === 'rateLimited')
      sorted.retry.push(write);
    else sorted.failed.push({ write, error: outcome.error, message: outcome.message });
  }
  return sorted;
}
