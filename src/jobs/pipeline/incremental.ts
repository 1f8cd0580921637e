// Incremental reads: each entity modified since its watermark (the time its last
// complete read started; `since` is inclusive, so nothing stamped in that second is
// missed), and deletions since then, applied as soft deletes.
import type { CrmConnector } from '../../../connectors/contract.js';
import type { TenantId } from '../../store/ids.js';
import { softDelete } from '../../store/repos/records.repo.js';
import { getSyncStates, putSyncState } from '../../store/repos/settings.repo.js';
import {
  applyAccounts,
  applyDeals,
  applyPartners,
  deleteDeals,
  quarantine,
  type Touched,
} from './apply-changes.js';
import { activePlan, type PipelineContext } from './context.js';

/** Incremental reads start this much before the previous read started. */
export const CLOCK_SKEW_MS = 60_000;

/** The incremental watermark of one entity: when the last complete read of it started. */
async function watermark(ctx: PipelineContext, tenantId: TenantId, entity: string): Promise<Date | null> {
  const state = (await getSyncStates(ctx.store.db, tenantId)).find((s) => s.entity === entity);
  return state?.cursor ? new Date(state.cursor) : null;
}

/** Reads one entity modified since its watermark (everything when there is none). */
export async function syncEntitySince(
  ctx: PipelineContext,
  tenantId: TenantId,
  connector: CrmConnector,
  entity: 'partner' | 'account' | 'deal',
  touched: Touched,
  onPage?: (n: number) => Promise<void>,
): Promise<number> {
  const db = ctx.store.db;
  // Wall-clock time (the CRM stamps records with it), not the pipeline's period clock;
  // moved back by a margin for clock skew between us and the CRM (re-reading is harmless).
  const startedAt = new Date(Date.now() - CLOCK_SKEW_MS);
  const since = await watermark(ctx, tenantId, entity);
  const plan = await activePlan(db, tenantId);
  const opts = since ? { since } : {};
  let n = 0;
  if (entity === 'partner') {
    for await (const page of connector.listPartners(opts)) {
      await quarantine(ctx, tenantId, page);
      await applyPartners(ctx, tenantId, page.items, touched);
      n += page.items.length;
      await onPage?.(n);
    }
  } else if (entity === 'account') {
    for await (const page of connector.listAccounts(opts)) {
      await quarantine(ctx, tenantId, page);
      await applyAccounts(ctx, tenantId, page.items, touched);
      n += page.items.length;
      await onPage?.(n);
    }
  } else {
    for await (const page of connector.listDeals(opts)) {
      await quarantine(ctx, tenantId, page);
      await applyDeals(ctx, tenantId, plan, page.items, touched);
      n += page.items.length;
      await onPage?.(n);
    }
  }
  await putSyncState(db, tenantId, entity, { cursor: startedAt.toISOString(), finishedAt: new Date() });
  return n;
}

/** Deletions since the oldest watermark, applied as soft deletes. */
export async function syncDeletions(
  ctx: PipelineContext,
  tenantId: TenantId,
  connector: CrmConnector,
  since: Date,
  touched: Touched,
): Promise<number> {
  const db = ctx.store.db;
  const plan = await activePlan(db, tenantId);
  let n = 0;
  for await (const batch of connector.listDeleted(since)) {
    const at = new Date();
    const dealIds = batch.filter((d) => d.entity === 'deal').map((d) => d.id);
    n += await deleteDeals(ctx, tenantId, plan, dealIds, at, touched);
    const ids = (entity: 'partner' | 'account') => batch.filter((d) => d.entity === entity).map((d) => d.id);
    const partners = await softDelete(db, tenantId, 'partner', ids('partner'), at);
    for (const p of partners) touched.partnersNow.add(p);
    n += partners.length;
    n += (await softDelete(db, tenantId, 'account', ids('account'), at)).length;
  }
  return n;
}
