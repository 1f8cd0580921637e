// Push subscriptions through the Notifications (watch) API (fact sheet §5.1):
// Deals create/edit/delete, edits filtered to the fields that matter (Stage,
// Amount, Closing_Date, partner lookup), one channel id per tenant, a token of at
// most 50 characters that Zoho echoes, and our secret in the notify URL's query.
// Channels live at most one week, so the job layer renews them on a schedule.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Subscription } from '../contract.js';
import { CrmError } from '../contract.js';
import type { ZohoClient } from './zoho.client.js';
import { classifyZoho } from './zoho.errors.js';
import { readFields } from './zoho.fields.js';
import type { ZohoSettings } from './zoho.settings.js';

/** Zoho's maximum channel life is one week; ask for a little less so clocks never disagree. */
export const CHANNEL_LIFETIME_MS = 7 * 86_400_000 - 10 * 60_000;

/** A stable numeric channel id per tenant (Zoho wants a long). */
export function channelIdFor(tenantId: string, override: string | null): string {
  if (override) return override;
  const h = createHash('sha256').update(`zoho-channel:${tenantId}`).digest();
  // 53 bits → at most 16 digits, never starting with 0.
  const n = (h.readUInt32BE(0) & 0x1fffff) * 2 ** 32 + h.readUInt32BE(4);
  return String(1_000_000_000_000 + (n % 8_000_000_000_000_000));
}

export function withSecret(notifyUrl: string, secret: string): string {
  const url = new URL(notifyUrl);
  url.searchParams.set('k', secret);
  return url.toString();
}

const WatchResponseSchema = z.object({
  watch: z.array(
    z.looseObject({
      code: z.string(),
      status: z.string(),
      message: z.string().optional(),
      details: z
        .looseObject({ events: z.array(z.looseObject({ channel_expiry: z.string() })).optional() })
        .nullish(),
    }),
  ),
});

export interface WatchTarget {
  channelId: string;
  token: string;
  notifyUrl: string;
}

export async function watchBody(
  client: ZohoClient,
  s: ZohoSettings,
  t: WatchTarget,
  now: Date,
): Promise<unknown> {
  const module = s.dealModule;
  const modRes = await client.request<{ modules?: { id?: string | number; api_name?: string }[] }>({
    method: 'GET',
    path: `/crm/v8/settings/modules/${module}`,
  });
  const moduleId = modRes.data?.modules?.find((m) => m.api_name === module)?.id;
  const fields = await readFields(client, module);
  const wanted = [s.dealFields.stage, s.dealFields.amount, s.dealFields.closedAt, s.dealFields.partner];
  const group = wanted
    .map((name) => fields.find((f) => f.api_name === name))
    .filter((f): f is NonNullable<typeof f> => !!f)
    .map((f) => ({ field: { api_name: f.api_name, id: f.id } }));
  const expiry = new Date(now.getTime() + CHANNEL_LIFETIME_MS);
  return {
    watch: [
      {
        channel_id: t.channelId,
        events: [`${module}.create`, `${module}.edit`, `${module}.delete`],
        notify_url: t.notifyUrl,
        token: t.token,
        channel_expiry: `${expiry.toISOString().slice(0, 19)}+00:00`,
        return_affected_field_values: true,
        notify_on_related_action: false,
        ...(moduleId && group.length > 0
          ? {
              notification_condition: [
                {
                  type: 'field_selection',
                  module: { api_name: module, id: String(moduleId) },
                  field_selection: { group_operator: 'or', group },
                },
              ],
            }
          : {}),
      },
    ],
  };
}

export async function enableWatch(
  client: ZohoClient,
  s: ZohoSettings,
  t: WatchTarget,
  now: Date,
  method: 'POST' | 'PATCH',
): Promise<Subscription> {
  const res = await client.request<unknown>({
    method,
    path: '/crm/v8/actions/watch',
    data: await watchBody(client, s, t, now),
    itemsKey: 'watch',
  });
  const parsed = WatchResponseSchema.safeParse(res.data);
  if (!parsed.success) throw new Error(`Zoho watch response unexpected: ${parsed.error.issues[0]?.message}`);
  const item = parsed.data.watch[0];
  if (item?.status !== 'success') {
    const code = item?.code ?? 'NO_RESULT';
    throw new CrmError(
      `Zoho watch ${method} failed: ${code} ${item?.message ?? ''}`.trim(),
      classifyZoho({ status: res.status, code }),
      {
        code,
      },
    );
  }
  const expiries = (item.details?.events ?? [])
    .map((e) => Date.parse(e.channel_expiry))
    .filter((n) => !Number.isNaN(n));
  return {
    channelId: t.channelId,
    expiresAt: expiries.length > 0 ? new Date(Math.min(...expiries)).toISOString() : null,
  };
}
