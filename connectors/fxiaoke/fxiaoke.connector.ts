// The Fxiaoke CrmConnector for one tenant, built from ConnectorDeps (no I/O at construction).
import type { Account, Deal, Partner } from '../../src/core/input.js';
import type {
  ChangeEvent,
  ConnectorDeps,
  ConnectorLimits,
  CrmConnector,
  Deleted,
  ErrorClass,
  InstallReport,
  ListOptions,
  Page,
  ResultWrite,
  Subscription,
  WebhookRequest,
  WebhookVerdict,
  WriteOutcome,
} from '../contract.js';
import { verifyFxiaokePush } from './fxiaoke.callback.js';
import { type ClientOptions, FxiaokeClient } from './fxiaoke.client.js';
import type { ObjectDescribe } from './fxiaoke.describe.js';
import { classifyFxiaokeError } from './fxiaoke.errors.js';
import { fetchDescribe, runInstallCheck } from './fxiaoke.install.js';
import {
  type FxRecord,
  type MappingContext,
  mapAccount,
  mapDeal,
  mapPartner,
  statusCodesFrom,
} from './fxiaoke.mapping.js';
import {
  type FxiaokeCredentials,
  type FxiaokeSettings,
  type FxiaokeSettingsInput,
  parseFxiaokeSettings,
} from './fxiaoke.settings.js';
import { type FxFilter, pageRecords, queryPage } from './fxiaoke.sync.js';
import { writeByApl, writeByUpdate } from './fxiaoke.write.js';

/** Manual registration: the data-change callback URL is set up by Fxiaoke staff/admin (§4.1 UNVERIFIED). */
export const FXIAOKE_MANUAL_CHANNEL = 'fxiaoke:manual-callback-or-workflow';

const DESCRIBE_TTL_MS = 3600_000;

export interface FxiaokeConnector extends CrmConnector {
  readonly settings: FxiaokeSettings;
  readonly client: FxiaokeClient;
  /** Reads the tenant's secrets from the vault first (they live encrypted there), then verifies. */
  verifyWebhook(req: WebhookRequest): Promise<WebhookVerdict>;
  /** The mapping context (describes + status codes), cached for an hour. */
  mappingContext(): Promise<MappingContext>;
}

type Entity = ChangeEvent['entity'];

export function createFxiaokeConnector(
  deps: ConnectorDeps<FxiaokeCredentials, FxiaokeSettingsInput | FxiaokeSettings | unknown>,
  options: ClientOptions = {},
): FxiaokeConnector {
  const settings = parseFxiaokeSettings(deps.settings);
  const client = new FxiaokeClient(deps as ConnectorDeps<FxiaokeCredentials, unknown>, settings, options);
  let ctxCache: { at: number; ctx: Promise<MappingContext> } | null = null;

  const objectFor: Record<Entity, string> = {
    partner: settings.objects.partner,
    account: settings.objects.account,
    deal: settings.objects.deal,
  };
  const entityOf = (apiName: string): Entity | null =>
    (Object.entries(objectFor).find(([, api]) => api === apiName)?.[0] as Entity | undefined) ?? null;

  function mappingContext(): Promise<MappingContext> {
    const now = deps.now().getTime();
    if (ctxCache && now - ctxCache.at < DESCRIBE_TTL_MS) return ctxCache.ctx;
    const ctx = (async () => {
      const [partner, account, deal] = await Promise.all([
        fetchDescribe(client, settings.objects.partner),
        fetchDescribe(client, settings.objects.account),
        fetchDescribe(client, settings.objects.deal),
      ]);
      return {
        settings,
        partner,
        account,
        deal,
        status: statusCodesFrom(deal, settings),
      } satisfies MappingContext;
    })();
    ctxCache = { at: now, ctx };
    ctx.catch(() => {
      ctxCache = null;
    });
    return ctx;
  }

  /** Fields to project: what the mapping reads, plus the system fields the sync needs. */
  function projection(entity: Entity, describe: ObjectDescribe): string[] {
    const base = ['_id', 'name', 'last_modified_time', 'create_time', 'life_status'];
    const mapped: (string | null)[] =
      entity === 'partner'
        ? [
            settings.partnerFields.name,
            settings.partnerFields.level,
            settings.partnerFields.region,
            settings.partnerFields.agreementEnd,
            ...Object.values(settings.partnerFields.attributes),
          ]
        : entity === 'account'
          ? [
              settings.accountFields.name,
              settings.accountFields.partner,
              settings.accountFields.region,
              settings.accountFields.industry,
              ...Object.values(settings.accountFields.attributes),
            ]
          : [
              ...Object.values(settings.dealFields).filter((v): v is string => typeof v === 'string'),
              ...Object.values(settings.dealFields.attributes),
              'mc_currency',
            ];
    // Only fields the describe knows (mc_currency exists only with multi-currency on).
    const wanted = [...base, ...mapped.filter((f): f is string => !!f)];
    return [...new Set(wanted)].filter((f) => f === '_id' || f in describe.fields);
  }

  async function* list<T>(
    entity: Entity,
    map: (
      r: FxRecord,
      c: MappingContext,
    ) => ReturnType<typeof mapPartner> | ReturnType<typeof mapAccount> | ReturnType<typeof mapDeal>,
    opts: ListOptions = {},
  ): AsyncIterable<Page<T>> {
    const ctx = await mappingContext();
    const describe = entity === 'partner' ? ctx.partner : entity === 'account' ? ctx.account : ctx.deal;
    for await (const page of pageRecords(client, {
      apiName: objectFor[entity],
      fields: projection(entity, describe),
      since: opts.since,
      cursor: opts.cursor,
      pageSize: settings.pageSize,
      maxOffset: settings.maxOffset,
    })) {
      const out: Page<T> = { items: [], quarantined: [], cursor: page.cursor };
      for (const r of page.rows) {
        const m = map(r, ctx);
        if (m.ok) out.items.push(m.value as Page<T>['items'][number]);
        else out.quarantined.push(m.quarantined);
      }
      yield out;
    }
  }

  const limits: ConnectorLimits = {
    writeBatchSize: settings.writeMode === 'apl' ? settings.aplBatchSize : 1,
    readPageSize: settings.pageSize,
    concurrency: 4,
    rate: { calls: settings.rateLimit.calls, perMs: settings.rateLimit.perMs },
  };

  const connector: FxiaokeConnector = {
    kind: 'fxiaoke',
    limits,
    settings,
    client,
    mappingContext,

    listPartners: (opts) => list<Partner>('partner', mapPartner, opts),
    listAccounts: (opts) => list<Account>('account', mapAccount, opts),
    listDeals: (opts) => list<Deal>('deal', mapDeal, opts),

    async *listDeleted(since: Date): AsyncIterable<Deleted[]> {
      // Invalidated (作废) records; whether the real API surfaces them this way is UNVERIFIED (§4.5).
      const filters: FxFilter[] = [{ field_name: 'life_status', operator: 'EQ', field_values: ['invalid'] }];
      for (const entity of ['partner', 'account', 'deal'] as const) {
        for await (const page of pageRecords(client, {
          apiName: objectFor[entity],
          fields: ['_id', 'last_modified_time'],
          since,
          filters,
          pageSize: settings.pageSize,
          maxOffset: settings.maxOffset,
        })) {
          if (page.rows.length) {
            yield page.rows.map((r) => ({
              entity,
              id: String(r._id),
              deletedAt: new Date(Number(r.last_modified_time ?? since.getTime())).toISOString(),
            }));
          }
        }
      }
    },

    async getDeals(ids: string[]): Promise<Page<Deal>> {
      const ctx = await mappingContext();
      const out: Page<Deal> = { items: [], quarantined: [], cursor: null };
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += settings.pageSize) {
        const chunk = unique.slice(i, i + settings.pageSize);
        // One query with `_id IN` per 100 ids instead of one data/get per id.
        const rows = await queryPage(client, settings.objects.deal, {
          filters: [{ field_name: '_id', operator: 'IN', field_values: chunk }],
          offset: 0,
          limit: settings.pageSize,
          fields: projection('deal', ctx.deal),
        });
        for (const r of rows) {
          const m = mapDeal(r, ctx);
          if (m.ok) out.items.push(m.value);
          else out.quarantined.push(m.quarantined);
        }
      }
      return out;
    },

    writeResults(rows: ResultWrite[]): Promise<WriteOutcome[]> {
      if (rows.length === 0) return Promise.resolve([]);
      return settings.writeMode === 'apl'
        ? writeByApl(client, settings, deps.tenantId, rows)
        : writeByUpdate(client, settings, rows);
    },

    async installFields(): Promise<InstallReport> {
      const r = await runInstallCheck(client, settings);
      for (const w of r.warnings) deps.log.warn({ tenantId: deps.tenantId }, `Fxiaoke install: ${w}`);
      return r.report;
    },

    // There is no public API to register the data-change callback (§4.1); the admin guide covers it.
    async subscribe(_notifyUrl: string): Promise<Subscription> {
      return { channelId: FXIAOKE_MANUAL_CHANNEL, expiresAt: null };
    },
    async renew(_notifyUrl: string): Promise<Subscription> {
      return { channelId: FXIAOKE_MANUAL_CHANNEL, expiresAt: null };
    },

    async verifyWebhook(req: WebhookRequest): Promise<WebhookVerdict> {
      await client.auth.readCredentials();
      const secrets = client.auth.secrets;
      if (!secrets) return { ok: false, status: 401, reason: 'tenant secrets could not be read' };
      return verifyFxiaokePush(req, secrets, entityOf, {
        now: deps.now().getTime(),
        maxAgeMs: settings.callbackMaxAgeMs,
        deleteEventTypes: settings.deleteEventTypes,
      });
    },

    classify(error: unknown): ErrorClass {
      return classifyFxiaokeError(error, { now: deps.now() });
    },

    async refreshAccess(minValidMs: number) {
      const before = (await client.auth.readCredentials()).token;
      if (
        before &&
        before.style === settings.authStyle &&
        before.refreshAt - deps.now().getTime() >= minValidMs
      ) {
        return { refreshed: false, expiresAt: new Date(before.refreshAt).toISOString() };
      }
      // Single flight: a token in the vault other than `before` was refreshed by someone else and is kept.
      await client.auth.refresh(before?.accessToken);
      const after = (await client.auth.readCredentials()).token;
      return {
        refreshed: after?.accessToken !== before?.accessToken,
        expiresAt: after ? new Date(after.refreshAt).toISOString() : null,
      };
    },
  };
  return connector;
}
