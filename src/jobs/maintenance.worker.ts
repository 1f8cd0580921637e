// The maintenance worker: scheduled upkeep per tenant (src/jobs/schedules.ts makes
// the jobs). Tasks that call the CRM — subscription renewal, token refresh — are
// skipped for a tenant that is not active (paused, needs_reauth), as is the
// incremental sync that would; inbox reconciliation and period close touch only the
// store and always run.
import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { type CrmConnector, CrmError } from '../../connectors/contract.js';
import type { Logger } from '../log.js';
import type { TenantId } from '../store/ids.js';
import { audit } from '../store/repos/audit.repo.js';
import {
  getSubscription,
  markSubscriptionError,
  putSubscription,
} from '../store/repos/subscriptions.repo.js';
import { getTenant, getWebhookToken, type Tenant } from '../store/repos/tenants.repo.js';
import type { Database } from '../store/sql.js';
import { type ConnectorFactory, UnknownTenantError } from './connectors.js';
import { reconcileTenantInbox } from './inbox-reconciler.js';
import { closePeriods } from './period-close.js';
import { rollOver } from './period-rollover.js';
import type { Queues } from './queue-factory.js';
import type { Payload } from './queues.js';
import { webhookUrl } from './webhook-url.js';

/** Renew a channel this long before it expires (Zoho: at most a week; checked every 6 h). */
export const RENEW_BEFORE_MS = 36 * 3_600_000;
/** Refresh an access token that would expire within this (checked every 10 min). */
export const TOKEN_MIN_VALID_MS = 20 * 60_000;

export interface MaintenanceContext {
  db: Database;
  queues: Queues;
  connectors: ConnectorFactory;
  /** Base URL the CRMs reach (PUBLIC_URL): the notify URL of subscriptions. */
  publicUrl: string;
  logger: Logger;
  now?: () => Date;
}

export type MaintenanceOutcome =
  | { task: string; skipped: string }
  | { task: string; done: true; detail?: Record<string, unknown> };

const hashUrl = (url: string) => createHash('sha256').update(url).digest('hex');

async function renewSubscription(
  ctx: MaintenanceContext,
  tenant: Tenant,
  connector: CrmConnector,
  now: Date,
): Promise<Record<string, unknown>> {
  const token = await getWebhookToken(ctx.db, tenant.id);
  if (!token) throw new UnknownTenantError(`tenant ${tenant.id} does not exist`);
  const url = webhookUrl(ctx.publicUrl, tenant, token);
  const urlHash = hashUrl(url);
  const current = await getSubscription(ctx.db, tenant.id);
  let action: 'subscribed' | 'renewed';
  if (!current || current.notifyUrlHash !== urlHash) action = 'subscribed';
  else if (current.expiresAt && Date.parse(current.expiresAt) - now.getTime() < RENEW_BEFORE_MS)
    action = 'renewed';
  else return { action: 'kept', expiresAt: current.expiresAt };
  try {
    const sub = action === 'subscribed' ? await connector.subscribe(url) : await connector.renew(url);
    await ctx.db.transaction(async (tx) => {
      await putSubscription(tx, tenant.id, { ...sub, notifyUrlHash: urlHash });
      await audit(tx, tenant.id, 'maintenance', `subscription.${action}`, {
        channelId: sub.channelId,
        expiresAt: sub.expiresAt,
      });
    });
    return { action, channelId: sub.channelId, expiresAt: sub.expiresAt };
  } catch (err) {
    await markSubscriptionError(ctx.db, tenant.id, (err as Error).message);
    throw err;
  }
}

/** Runs one maintenance task for one tenant. */
export async function runMaintenance(
  ctx: MaintenanceContext,
  payload: Payload<'maintenance'>,
): Promise<MaintenanceOutcome> {
  const { task } = payload;
  const tenantId = payload.tenantId as TenantId;
  const now = (ctx.now ?? (() => new Date()))();
  const tenant = await getTenant(ctx.db, tenantId);
  if (!tenant) return { task, skipped: 'tenant does not exist' };
  const callsCrm = task === 'renew-subscription' || task === 'refresh-token' || task === 'incremental-sync';
  if (callsCrm && tenant.status !== 'active') return { task, skipped: `tenant is ${tenant.status}` };
  if (callsCrm && !tenant.hasCredentials) return { task, skipped: 'tenant has no credentials yet' };

  switch (task) {
    case 'incremental-sync': {
      // One per tenant and minute: a retried maintenance job does not enqueue a second sync.
      const jobId = `sync.${tenantId}.inc.${Math.floor(now.getTime() / 60_000)}`;
      await ctx.queues.add('sync', { tenantId }, { jobId });
      return { task, done: true, detail: { jobId } };
    }
    case 'renew-subscription': {
      const { connector } = await ctx.connectors.forTenant(tenantId);
      return { task, done: true, detail: await renewSubscription(ctx, tenant, connector, now) };
    }
    case 'refresh-token': {
      const { connector } = await ctx.connectors.forTenant(tenantId);
      if (!connector.refreshAccess) return { task, skipped: `${tenant.crm} connector has no token upkeep` };
      return { task, done: true, detail: await connector.refreshAccess(TOKEN_MIN_VALID_MS) };
    }
    case 'reconcile-inbox': {
      const r = await reconcileTenantInbox(ctx.db, ctx.queues, tenantId, { now: () => now });
      return { task, done: true, detail: r };
    }
    case 'close-period': {
      const closed = await closePeriods(ctx.db, tenantId, now);
      const froze = closed.some((c) => c.frozen > 0);
      const rolled = await rollOver(ctx.db, ctx.queues, tenantId, now, froze);
      return { task, done: true, detail: { closed, ...rolled } };
    }
  }
}

/**
 * The queue's processor. A CRM error that retrying cannot fix (revoked grant — the
 * connector has parked the tenant —, a permanent refusal) ends the job with the reason
 * instead of failing it, so a scheduled task never becomes a retry storm; anything
 * else fails the job and BullMQ retries it with backoff.
 */
export function maintenanceProcessor(ctx: MaintenanceContext) {
  return async (job: Job<Payload<'maintenance'>>): Promise<MaintenanceOutcome> => {
    const log = ctx.logger.child({ tenantId: job.data.tenantId, task: job.data.task });
    let out: MaintenanceOutcome;
    try {
      out = await runMaintenance(ctx, job.data);
    } catch (err) {
      if (err instanceof CrmError && ['needsReauth', 'permanent'].includes(err.classification.kind)) {
        log.warn({ reason: err.message, kind: err.classification.kind }, 'maintenance gave up');
        return { task: job.data.task, skipped: `${err.classification.kind}: ${err.message}` };
      }
      throw err;
    }
    if ('skipped' in out) log.debug({ reason: out.skipped }, 'maintenance skipped');
    else log.info(out.detail ?? {}, 'maintenance done');
    return out;
  };
}
