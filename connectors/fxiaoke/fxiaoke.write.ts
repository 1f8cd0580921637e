// Write-back of results onto the partner object (fact sheet §2.4, §4.4).
// update mode: one /cgi/crm/v2/data/update per partner with triggerWorkFlow:false and
//   triggerApprovalFlow:false (our own write must not re-fire the workflow that calls us),
//   paced by the per-endpoint limiter.
// apl mode: the APL controller function from manifest/fxiaoke/ through
//   /cgi/crm/v2/special/function, in batches, each with a postId derived from its content, so
//   a retried batch is recognised by Fxiaoke as the same request.
// Values follow the write formats of §2.7: numbers and currency as strings, date_time as ms.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ErrorClass, ResultFields, ResultWrite, WriteOutcome } from '../contract.js';
import type { FxiaokeClient } from './fxiaoke.client.js';
import { classifyFxiaokeError } from './fxiaoke.errors.js';
import { dataPath, FX_PATHS } from './fxiaoke.hosts.js';
import type { FxiaokeSettings, ResultKey } from './fxiaoke.settings.js';

type FxValue = string | number | null;

function decimalString(n: number | null): string | null {
  if (n === null || !Number.isFinite(n)) return null;
  // Scores are already rounded by the core; String() never yields exponent form in this range.
  return Math.abs(n) < 1e21 ? String(n) : null;
}

/** ResultFields → { apiName: value } in Fxiaoke's write formats. */
export function toFxValues(fields: ResultFields, settings: FxiaokeSettings): Record<string, FxValue> {
  const f = settings.resultFields;
  const updatedMs = Date.parse(fields.updated);
  const v: Record<ResultKey, FxValue> = {
    tier: fields.tier,
    score: decimalString(fields.score),
    payout: fields.payout,
    period: fields.period,
    rank: fields.rank === null ? null : String(fields.rank),
    nextTier: fields.nextTier,
    nextTierGap: decimalString(fields.nextTierGap),
    awards: fields.awards,
    updated: Number.isFinite(updatedMs) ? updatedMs : null,
    details: fields.details,
    inputsHash: fields.inputsHash,
  };
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [f[k as ResultKey], val]));
}

async function pool<T, R>(items: T[], concurrency: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** Errors that make every further call pointless (tenant paused or parked). */
function stopsTenant(c: ErrorClass): boolean {
  return c.kind === 'quotaExhausted' || c.kind === 'needsReauth';
}

export async function writeByUpdate(
  client: FxiaokeClient,
  settings: FxiaokeSettings,
  rows: ResultWrite[],
): Promise<WriteOutcome[]> {
  const apiName = settings.objects.partner;
  let stop: { error: ErrorClass; message: string } | null = null;
  return pool(rows, 4, async (row): Promise<WriteOutcome> => {
    if (stop) return { partnerId: row.partnerId, ok: false, ...stop };
    try {
      await client.call(dataPath(apiName, 'update'), {
        top: { triggerWorkFlow: false, triggerApprovalFlow: false },
        data: {
          object_data: {
            _id: row.partnerId,
            dataObjectApiName: apiName,
            ...toFxValues(row.fields, settings),
          },
        },
      });
      return { partnerId: row.partnerId, ok: true };
    } catch (e) {
      const error = classifyFxiaokeError(e);
      const message = e instanceof Error ? e.message : String(e);
      if (stopsTenant(error)) stop = { error, message };
      return { partnerId: row.partnerId, ok: false, error, message };
    }
  });
}

/** Function result shape (our APL function returns it; how Fxiaoke wraps it is UNVERIFIED). */
const FunctionResultSchema = z.object({
  updated: z.array(z.string()).default([]),
  failed: z.array(z.object({ id: z.string(), message: z.string() })).default([]),
});
const SpecialFunctionResponseSchema = z.object({ data: z.unknown().optional() }).loose();

function functionResult(data: unknown) {
  const direct = FunctionResultSchema.safeParse(data);
  if (direct.success && data && typeof data === 'object' && ('updated' in data || 'failed' in data))
    return direct.data;
  if (data && typeof data === 'object' && 'functionResult' in data) {
    const nested = FunctionResultSchema.safeParse((data as { functionResult: unknown }).functionResult);
    if (nested.success) return nested.data;
  }
  return null;
}

/** Deterministic postId (UUID-shaped) from tenant + batch content: a retry sends the same id. */
export function postIdFor(tenantId: string, payload: unknown): string {
  const h = createHash('sha256').update(tenantId).update('\0').update(JSON.stringify(payload)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export async function writeByApl(
  client: FxiaokeClient,
  settings: FxiaokeSettings,
  tenantId: string,
  rows: ResultWrite[],
): Promise<WriteOutcome[]> {
  const apiName = settings.objects.partner;
  const fields = Object.values(settings.resultFields);
  const outcomes: WriteOutcome[] = [];
  for (let i = 0; i < rows.length; i += settings.aplBatchSize) {
    const batch = rows.slice(i, i + settings.aplBatchSize);
    const payload = {
      objectApiName: apiName,
      fields,
      rows: Object.fromEntries(batch.map((r) => [r.partnerId, toFxValues(r.fields, settings)])),
    };
    try {
      const res = await client.call(
        FX_PATHS.specialFunction,
        {
          data: {
            api_name: settings.aplFunctionApiName,
            postId: postIdFor(tenantId, payload),
            parameters: [{ name: 'payload', type: 'Map', value: payload }],
          },
        },
        SpecialFunctionResponseSchema,
      );
      const result = functionResult(res.data);
      const failed = new Map((result?.failed ?? []).map((f) => [f.id, f.message]));
      for (const r of batch) {
        const msg = failed.get(r.partnerId);
        outcomes.push(
          msg === undefined
            ? { partnerId: r.partnerId, ok: true }
            : { partnerId: r.partnerId, ok: false, error: { kind: 'permanent', reason: msg }, message: msg },
        );
      }
    } catch (e) {
      const error = classifyFxiaokeError(e);
      const message = e instanceof Error ? e.message : String(e);
      // Paused or parked: nothing further can succeed, report the rest with the same error.
      const affected = stopsTenant(error) ? rows.slice(i) : batch;
      for (const r of affected) outcomes.push({ partnerId: r.partnerId, ok: false, error, message });
      if (stopsTenant(error)) break;
    }
  }
  return outcomes;
}
