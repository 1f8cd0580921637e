import { describe, expect, it } from 'vitest';
import type { ResultFields, ResultWrite } from '../../connectors/contract.js';
import { inBatches, needsWrite, sortOutcomes } from '../../src/pipeline/writeback.js';

const write = (partnerId: string, inputsHash: string): ResultWrite => ({
  partnerId,
  fields: { inputsHash } as ResultFields,
});

describe('write-back planning', () => {
  it('skips results whose hash the CRM already shows', () => {
    const rows = needsWrite([
      { write: write('P1', 'h1'), writtenHash: 'h1' },
      { write: write('P2', 'h2'), writtenHash: 'old' },
      { write: write('P3', 'h3'), writtenHash: null },
    ]);
    expect(rows.map((r) => r.partnerId)).toEqual(['P2', 'P3']);
  });

  it('cuts 1,000 changed partners into ceil(1000/100) = 10 calls for Zoho', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => write(`P${i}`, `h${i}`));
    const batches = inBatches(rows, 100);
    expect(batches).toHaveLength(10);
    expect(batches.flat()).toEqual(rows);
    expect(inBatches(rows.slice(0, 101), 100).map((b) => b.length)).toEqual([100, 1]);
    expect(() => inBatches(rows, 0)).toThrow(/batch size/);
  });

  it('after a partial failure retries only the records that failed for a passing reason', () => {
    const batch = [write('P1', 'a'), write('P2', 'b'), write('P3', 'c'), write('P4', 'd')];
    const sorted = sortOutcomes(batch, [
      { partnerId: 'P1', ok: true },
      {
        partnerId: 'P2',
        ok: false,
        error: { kind: 'permanent', reason: 'INVALID_DATA' },
        message: 'bad value',
      },
      {
        partnerId: 'P3',
        ok: false,
        error: { kind: 'rateLimited', retryAfterMs: 1000, reason: '429' },
        message: 'slow down',
      },
    ]);
    expect(sorted.written.map((w) => w.partnerId)).toEqual(['P1']);
    expect(sorted.retry.map((w) => w.partnerId)).toEqual(['P3', 'P4']);
    expect(sorted.failed.map((f) => [f.write.partnerId, f.message])).toEqual([['P2', 'bad value']]);
  });
});
