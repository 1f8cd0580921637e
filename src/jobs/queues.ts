// Every queue and its payload, in one place. Payloads carry ids only — tenant,
// partner, period, inbox event ids — never credentials, tokens or personal data:
// BullMQ stores job data in clear text (Redis or the bullmq schema). The schemas are
// strict and id-shaped, and every enqueue goes through them (queue-factory.ts).
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../store/ids.js';

const Id = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be an id (letters, digits, _ . : -)');
const TenantIdField = z.string().regex(TENANT_ID_PATTERN, 'must be a tenant id');
/** Period ids of the plan format: 2027, 2027-H1, 2027-Q1, 2027-03. */
const Period = z.string().regex(/^\d{4}(-(H[12]|Q[1-4]|\d{2}))?$/, 'must be a period such as 2027-Q1');

export const JobPayloads = {
  /** Liveness probe through the whole queue path (health checks, tests). */
  ping: z.object({ nonce: Id }).strict(),
  /** Fetch changed records: the inbox rows named, or everything since the cursor, or all. */
  sync: z
    .object({
      tenantId: TenantIdField,
      eventIds: z.array(Id).max(1000).optional(),
      full: z.boolean().optional(),
      /** A sync_runs row this job carries out (full sync, incremental sync, full recalculation). */
      runId: Id.optional(),
    })
    .strict(),
  /** Score every partner of a tenant's period that is marked dirty (recalc_dirty). */
  recalc: z.object({ tenantId: TenantIdField, period: Period }).strict(),
  /**
   * Re-evaluate ranks and rank-based awards of a tenant's period after a debounce;
   * `sweep`: also save the rank-only changes a push's rerank left for later.
   */
  rerank: z.object({ tenantId: TenantIdField, period: Period, sweep: z.literal(true).optional() }).strict(),
  /** Write changed results back to the CRM. */
  writeback: z.object({ tenantId: TenantIdField, partnerIds: z.array(Id).max(1000).optional() }).strict(),
  /** Scheduled upkeep for one tenant. */
  maintenance: z
    .object({
      tenantId: TenantIdField,
      task: z.enum([
        'incremental-sync',
        'renew-subscription',
        'refresh-token',
        'close-period',
        'reconcile-inbox',
      ]),
    })
    .strict(),
} as const;

export type QueueName = keyof typeof JobPayloads;
export type Payload<N extends QueueName> = z.infer<(typeof JobPayloads)[N]>;
export const QUEUE_NAMES = Object.keys(JobPayloads) as QueueName[];

export class PayloadError extends Error {}

export function checkPayload<N extends QueueName>(name: N, payload: unknown): Payload<N> {
  const parsed = JobPayloads[name].safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PayloadError(
      `job payload for queue "${name}" rejected at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data as Payload<N>;
}
