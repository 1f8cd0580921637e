// Scheduled upkeep per tenant through BullMQ job schedulers: each tenant gets one
// scheduler per maintenance task, id `maint.{tenant}.{task}`, producing `maintenance`
// jobs `{tenantId, task}`. Upserting is idempotent, so start-up and the periodic check
// may run it again at any time; a tenant's own setting can change an interval.
import type { TenantId } from '../store/ids.js';
import { getSettings } from '../store/repos/settings.repo.js';
import { listTenants } from '../store/repos/tenants.repo.js';
import type { Sql } from '../store/sql.js';
import type { Queues } from './queue-factory.js';
import { checkPayload, type Payload } from './queues.js';

export type MaintenanceTask = Payload<'maintenance'>['task'];

const MINUTE = 60_000;

/** Default interval of every task. */
export const SCHEDULE_DEFAULTS: Record<MaintenanceTask, number> = {
  // The safety net for missed pushes.
  'incremental-sync': 15 * MINUTE,
  // Zoho channels live a week; a check every 6 h renews one with a day to spare.
  'renew-subscription': 6 * 60 * MINUTE,
  // Zoho access tokens live an hour: checked every 10 min, refreshed with < 20 min left.
  'refresh-token': 10 * MINUTE,
  // The in-process reconciler runs every 30 s; this is the queue-side backstop.
  'reconcile-inbox': 5 * MINUTE,
  'close-period': 60 * MINUTE,
};

export const MAINTENANCE_TASKS = Object.keys(SCHEDULE_DEFAULTS) as MaintenanceTask[];

export const schedulerId = (tenantId: TenantId, task: MaintenanceTask) => `maint.${tenantId}.${task}`;

/** Tenant settings that change a task's interval (minutes, 1 – 1440). */
const INTERVAL_SETTINGS: Partial<Record<MaintenanceTask, string>> = {
  'incremental-sync': 'incrementalSyncMinutes',
  'close-period': 'closePeriodMinutes',
};

/** Intervals for one tenant: the defaults, overridden by its settings (INTERVAL_SETTINGS). */
export function intervalsFor(settings: Record<string, unknown>): Record<MaintenanceTask, number> {
  const out = { ...SCHEDULE_DEFAULTS };
  for (const [task, key] of Object.entries(INTERVAL_SETTINGS) as [MaintenanceTask, string][]) {
    const minutes = settings[key];
    if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes >= 1 && minutes <= 24 * 60) {
      out[task] = Math.round(minutes * MINUTE);
    }
  }
  return out;
}

/** Creates or updates every scheduler of one tenant. */
export async function upsertTenantSchedules(sql: Sql, queues: Queues, tenantId: TenantId): Promise<void> {
  const intervals = intervalsFor(await getSettings(sql, tenantId));
  const queue = queues.queue('maintenance');
  for (const task of MAINTENANCE_TASKS) {
    const data = checkPayload('maintenance', { tenantId, task });
    await queue.upsertJobScheduler(
      schedulerId(tenantId, task),
      { every: intervals[task] },
      { name: 'maintenance', data, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } },
    );
  }
}

export async function removeTenantSchedules(queues: Queues, tenantId: TenantId): Promise<void> {
  const queue = queues.queue('maintenance');
  for (const task of MAINTENANCE_TASKS) await queue.removeJobScheduler(schedulerId(tenantId, task));
}

/**
 * Keeps the schedulers in line with the tenants: every active tenant has all of its
 * schedulers (new tenants get them, a Redis that lost them gets them back); tenants
 * that no longer exist lose theirs. Paused and needs_reauth tenants keep their
 * schedulers: their jobs run and skip every CRM call until the tenant is active again.
 * Only missing or changed schedulers are upserted (an `every` scheduler runs its first
 * job at once, so re-upserting all of them on each start would burst every task).
 * `checkIntervals` (start-up) also compares each interval with the tenant's settings.
 */
export async function syncSchedules(
  sql: Sql,
  queues: Queues,
  opts: { checkIntervals?: boolean } = {},
): Promise<{ upserted: number; removed: number }> {
  const tenants = await listTenants(sql);
  const queue = queues.queue('maintenance');
  const existing = new Map<string, number | undefined>();
  const pageSize = 500;
  for (let start = 0; ; start += pageSize) {
    const page = await queue.getJobSchedulers(start, start + pageSize - 1, true);
    for (const s of page) if (s.key) existing.set(s.key, s.every === undefined ? undefined : Number(s.every));
    if (page.length < pageSize) break;
  }
  let upserted = 0;
  for (const t of tenants) {
    if (t.status !== 'active') continue;
    const missing = MAINTENANCE_TASKS.some((task) => !existing.has(schedulerId(t.id, task)));
    let changed = false;
    if (!missing && opts.checkIntervals) {
      const intervals = intervalsFor(await getSettings(sql, t.id));
      changed = MAINTENANCE_TASKS.some((task) => existing.get(schedulerId(t.id, task)) !== intervals[task]);
    }
    if (!missing && !changed) continue;
    await upsertTenantSchedules(sql, queues, t.id);
    upserted++;
  }
  const known = new Set(tenants.map((t) => t.id as string));
  let removed = 0;
  for (const key of existing.keys()) {
    const m = /^maint\.(t_[a-z0-9]+)\./.exec(key);
    if (m && !known.has(m[1]!)) {
      await queue.removeJobScheduler(key);
      removed++;
    }
  }
  return { upserted, removed };
}
