// Write-back (fact sheet §2.5): `PUT /crm/v8/Accounts`, ≤ 100 records per call
// (10 credits), `"trigger": []` so our write fires no workflow, approval or
// blueprint (and never our own webhook), and each record's own outcome honoured —
// HTTP 207 mixes success and error, 400 may carry one error per record.
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type { ResultWrite, WriteOutcome } from '../contract.js';
import { CrmError } from '../contract.js';
import type { ZohoClient } from './zoho.client.js';
import { classifyAny, classifyZoho } from './zoho.errors.js';
import type { ZohoSettings } from './zoho.settings.js';

export const WRITE_BATCH = 100;

const ItemSchema = z.looseObject({
  code: z.string(),
  status: z.string(),
  message: z.string().optional(),
  details: z.unknown().optional(),
});
const WriteResponseSchema = z.object({ data: z.array(ItemSchema) });

/** Zoho datetime: ISO-8601 with an offset, no milliseconds. */
export function zohoDateTimeUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`"${iso}" is not a date-time`);
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** Currency fields take JSON numbers; refuse a payout a double cannot carry exactly. */
export function exactNumber(decimal: string, what: string): number {
  const n = Number(decimal);
  if (!Number.isFinite(n) || !new Decimal(decimal).equals(new Decimal(n))) {
    throw new Error(`${what} "${decimal}" cannot be written as an exact Zoho number`);
  }
  return n;
}

/** The record body for one partner, or why it cannot be written. */
export function toZohoRecord(row: ResultWrite, s: ZohoSettings): Record<string, unknown> {
  const f = row.fields;
  const rf = s.resultFields;
  let details = f.details;
  // The widget's JSON also carries inputsHash, so "what the CRM already shows" can be compared.
  try {
    const parsed = JSON.parse(details) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && !('inputsHash' in parsed)) {
      details = JSON.stringify({ ...(parsed as object), inputsHash: f.inputsHash });
    }
  } catch {
    // Not JSON: written as given.
  }
  if (details.length > 32000)
    throw new Error(`details is ${details.length} characters; the field holds 32000`);
  if (f.awards.length > 2000)
    throw new Error(`awards is ${f.awards.length} characters; the field holds 2000`);
  if (!/^\d{1,19}$/.test(row.partnerId))
    throw new Error(`partner id "${row.partnerId}" is not a Zoho record id`);
  return {
    id: row.partnerId,
    [rf.tier]: f.tier,
    [rf.score]: f.score,
    [rf.payout]: exactNumber(f.payout, 'payout'),
    [rf.period]: f.period,
    [rf.rank]: f.rank,
    [rf.nextTier]: f.nextTier,
    [rf.nextTierGap]: f.nextTierGap,
    [rf.awards]: f.awards,
    [rf.updated]: zohoDateTimeUtc(f.updated),
    [rf.details]: details,
  };
}

export async function writeResults(
  client: ZohoClient,
  s: ZohoSettings,
  rows: ResultWrite[],
): Promise<WriteOutcome[]> {
  const outcomes = new Map<number, WriteOutcome>();
  const sendable: { index: number; record: Record<string, unknown> }[] = [];
  rows.forEach((row, index) => {
    try {
      sendable.push({ index, record: toZohoRecord(row, s) });
    } catch (e) {
      outcomes.set(index, {
        partnerId: row.partnerId,
        ok: false,
        error: { kind: 'permanent', reason: (e as Error).message },
        message: (e as Error).message,
      });
    }
  });
  const chunks: (typeof sendable)[] = [];
  for (let i = 0; i < sendable.length; i += WRITE_BATCH) chunks.push(sendable.slice(i, i + WRITE_BATCH));
  // Batches run side by side; the tenant's limiter keeps them within Zoho's (sub-)concurrency.
  const writeChunk = async (chunk: typeof sendable): Promise<void> => {
    try {
      const res = await client.request<unknown>({
        method: 'PUT',
        path: `/crm/v8/${s.partnerModule}`,
        data: { data: chunk.map((c) => c.record), trigger: [] },
        heavy: chunk.length > 10,
        credits: Math.ceil(chunk.length / 10),
        itemsKey: 'data',
      });
      const parsed = WriteResponseSchema.safeParse(res.data);
      if (!parsed.success)
        throw new Error(`Zoho update response unexpected: ${parsed.error.issues[0]?.message}`);
      chunk.forEach((c, j) => {
        const item = parsed.data.data[j];
        const partnerId = rows[c.index]!.partnerId;
        if (item?.status === 'success') {
          outcomes.set(c.index, { partnerId, ok: true });
        } else {
          const code = item?.code ?? 'NO_RESULT';
          const error = item
            ? classifyZoho({ status: 400, code, message: item.message ?? null })
            : { kind: 'retryable' as const, reason: 'Zoho returned no result for this record' };
          outcomes.set(c.index, {
            partnerId,
            ok: false,
            error,
            message:
              `${code}: ${item?.message ?? 'no result'} ${item?.details ? JSON.stringify(item.details) : ''}`.trim(),
          });
        }
      });
    } catch (e) {
      // The whole call failed (after the client's retries): every record of it shares the
      // error — unless the tenant itself is blocked, which is the job's business, not a record's.
      const error = e instanceof CrmError ? e.classification : classifyAny(e);
      if (error.kind === 'needsReauth' || error.kind === 'quotaExhausted') throw e;
      for (const c of chunk) {
        outcomes.set(c.index, {
          partnerId: rows[c.index]!.partnerId,
          ok: false,
          error,
          message: (e as Error).message,
        });
      }
    }
  };
  await Promise.all(chunks.map(writeChunk));
  return rows.map((_, i) => outcomes.get(i)!);
}
