// The Notifications (watch) API as documented (fact sheet §5.1): channels with
// events {Module}.{create|edit|delete|all}, a notify_url whose query params come
// back in `query_params`, a token ≤ 50 characters echoed in every callback, an
// expiry of at most one week (default one hour), and field-selection conditions.
// Deliveries are real HTTP POSTs with ids only.
import { zohoDateTime } from './sandbox.data.js';

export interface Channel {
  channel_id: string;
  events: string[];
  notify_url: string;
  token: string | null;
  expiresAt: number;
  return_affected_field_values: boolean;
  notify_on_related_action: boolean;
  /** api names whose change triggers an edit notification, per module (empty = any). */
  conditionFields: Map<string, Set<string>>;
}

export type WatchItemResult = {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'success' | 'error';
};

const WEEK = 7 * 86_400_000;
const HOUR = 3_600_000;

export class SandboxWatch {
  readonly channels = new Map<string, Channel>();
  readonly stats = { sent: 0, failed: 0 };
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly now: () => number,
    private readonly offsetMinutes: number,
    private readonly apiBase: () => string,
    private readonly moduleId: (api: string) => string | null,
  ) {}

  /** POST (create/replace), PUT (replace) and PATCH (update given keys). */
  upsert(items: unknown, mode: 'POST' | 'PUT' | 'PATCH'): WatchItemResult[] {
    if (!Array.isArray(items) || items.length === 0) {
      return [err('MANDATORY_NOT_FOUND', 'watch is missing', { api_name: 'watch' })];
    }
    return items.map((raw, i) => this.upsertOne(raw as Record<string, unknown>, mode, i));
  }

  private upsertOne(w: Record<string, unknown>, mode: 'POST' | 'PUT' | 'PATCH', i: number): WatchItemResult {
    const path = (k: string) => ({ api_name: k, json_path: `$.watch[${i}].${k}` });
    const channelId = w.channel_id == null ? '' : String(w.channel_id);
    if (!/^\d{1,19}$/.test(channelId))
      return err(
        channelId ? 'INVALID_DATA' : 'MANDATORY_NOT_FOUND',
        'invalid channel_id',
        path('channel_id'),
      );
    const existing = this.channels.get(channelId);
    if (mode === 'PATCH' && !existing) return err('INVALID_DATA', 'channel not found', path('channel_id'));
    const base: Partial<Channel> = mode === 'PATCH' ? { ...existing } : {};
    const events = (w.events ?? base.events) as unknown;
    if (!Array.isArray(events) || events.length === 0)
      return err('MANDATORY_NOT_FOUND', 'events missing', path('events'));
    for (const e of events) {
      const m = typeof e === 'string' ? /^([A-Za-z_]+)\.(create|edit|delete|all)$/.exec(e) : null;
      if (!m || !this.moduleId(m[1]!))
        return err('INVALID_DATA', `invalid event ${String(e)}`, path('events'));
    }
    const notifyUrl = (w.notify_url ?? base.notify_url) as unknown;
    if (typeof notifyUrl !== 'string' || !/^https?:\/\//.test(notifyUrl)) {
      return err(
        notifyUrl ? 'INVALID_DATA' : 'MANDATORY_NOT_FOUND',
        'invalid notify_url',
        path('notify_url'),
      );
    }
    const token = (w.token ?? base.token ?? null) as unknown;
    if (token !== null && (typeof token !== 'string' || token.length > 50)) {
      return err('INVALID_DATA', 'token must be a string of at most 50 characters', path('token'));
    }
    let expiresAt = base.expiresAt ?? this.now() + HOUR;
    if (w.channel_expiry !== undefined || mode !== 'PATCH') {
      const at = typeof w.channel_expiry === 'string' ? Date.parse(w.channel_expiry) : Number.NaN;
      // Documented: default one hour when omitted or beyond the one-week maximum.
      expiresAt = Number.isNaN(at) || at > this.now() + WEEK ? this.now() + HOUR : at;
      if (!Number.isNaN(at) && at <= this.now())
        return err('INVALID_DATA', 'channel_expiry is in the past', path('channel_expiry'));
    }
    const conditionFields = new Map(base.conditionFields ?? []);
    if (Array.isArray(w.notification_condition)) {
      conditionFields.clear();
      for (const c of w.notification_condition as Record<string, unknown>[]) {
        const mod = (c.module as { api_name?: string } | undefined)?.api_name;
        const group = ((c.field_selection as { group?: unknown[] } | undefined)?.group ?? []) as {
          field?: { api_name?: string };
        }[];
        if (!mod || c.type !== 'field_selection')
          return err('INVALID_DATA', 'invalid notification_condition', path('notification_condition'));
        if (group.length > 10)
          return err(
            'LIMIT_EXCEEDED',
            'at most 10 fields in a field_selection group',
            path('notification_condition'),
          );
        conditionFields.set(mod, new Set(group.map((g) => g.field?.api_name ?? '').filter(Boolean)));
      }
    }
    const ch: Channel = {
      channel_id: channelId,
      events: events as string[],
      notify_url: notifyUrl,
      token: token as string | null,
      expiresAt,
      return_affected_field_values: Boolean(
        w.return_affected_field_values ?? base.return_affected_field_values ?? false,
      ),
      notify_on_related_action: Boolean(w.notify_on_related_action ?? base.notify_on_related_action ?? true),
      conditionFields,
    };
    this.channels.set(channelId, ch);
    return {
      code: 'SUCCESS',
      details: {
        events: ch.events.map((e) => {
          const mod = e.split('.')[0]!;
          return {
            channel_expiry: zohoDateTime(ch.expiresAt, this.offsetMinutes),
            resource_uri: `${this.apiBase()}/crm/v8/${mod}`,
            resource_id: this.moduleId(mod),
            resource_name: mod,
            channel_id: ch.channel_id,
          };
        }),
      },
      message: 'Successfully subscribed for actions-watch of the given module',
      status: 'success',
    };
  }

  list(): Record<string, unknown>[] {
    return [...this.channels.values()]
      .filter((c) => c.expiresAt > this.now())
      .map((c) => ({
        channel_id: c.channel_id,
        notify_url: c.notify_url,
        token: c.token,
        channel_expiry: zohoDateTime(c.expiresAt, this.offsetMinutes),
        events: c.events,
        return_affected_field_values: c.return_affected_field_values,
        notify_on_related_action: c.notify_on_related_action,
      }));
  }

  remove(ids: string[]): WatchItemResult[] {
    return ids.map((id) =>
      this.channels.delete(id)
        ? {
            code: 'SUCCESS',
            details: { channel_id: id },
            message: 'Successfully unsubscribed',
            status: 'success' as const,
          }
        : err('INVALID_DATA', 'channel not found', { channel_id: id }),
    );
  }

  /** A record changed: POST to every live channel that watches it. */
  notify(module: string, op: 'create' | 'edit' | 'delete', ids: string[], changed: string[] = []): void {
    for (const ch of this.channels.values()) {
      if (ch.expiresAt <= this.now()) continue;
      if (!ch.events.includes(`${module}.${op}`) && !ch.events.includes(`${module}.all`)) continue;
      const cond = ch.conditionFields.get(module);
      if (op === 'edit' && cond && cond.size > 0 && !changed.some((f) => cond.has(f))) continue;
      this.deliver(
        ch.notify_url,
        JSON.stringify(this.callbackBody(ch, module, op, ids, changed)),
        'application/json',
      );
    }
  }

  /** The JSON body Zoho POSTs to a channel's notify_url (benchmarks replay it at their own rate). */
  callbackBody(
    ch: Channel,
    module: string,
    op: 'create' | 'edit' | 'delete',
    ids: string[],
    changed: string[] = [],
  ): Record<string, unknown> {
    return {
      server_time: this.now(),
      query_params: Object.fromEntries(new URL(ch.notify_url).searchParams),
      module,
      resource_uri: `${this.apiBase()}/crm/v8/${module}`,
      ids,
      affected_fields: ch.return_affected_field_values ? ids.map((id) => ({ [id]: changed })) : [],
      operation: op === 'create' ? 'insert' : op === 'edit' ? 'update' : 'delete',
      channel_id: ch.channel_id,
      token: ch.token,
    };
  }

  /** One POST, counted in the stats; the change that caused it never waits for it. */
  deliver(url: string, body: string, contentType: string): void {
    const p = fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) this.stats.sent++;
        else this.stats.failed++;
      })
      .catch(() => {
        this.stats.failed++;
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}

function err(code: string, message: string, details: Record<string, unknown>): WatchItemResult {
  return { code, details, message, status: 'error' };
}
