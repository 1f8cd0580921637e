// The Zoho CRM connector: one instance per tenant, built by a factory from
// ConnectorDeps, with no I/O until a method is called. It wires auth, client,
// limiter, sync, mapping, fields, write-back, watch and webhook verification
// behind the CRM-neutral `CrmConnector` contract.
import { randomBytes } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import axios from 'axios';
import type { Account, Deal, Partner } from '../../src/core/input.js';
import type {
  ConnectorDeps,
  CrmConnector,
  Deleted,
  InstallReport,
  ListOptions,
  Page,
  ResultWrite,
  Subscription,
  WebhookRequest,
  WebhookVerdict,
  WriteOutcome,
} from '../contract.js';
import type { ZohoCredentials, ZohoCredentialsInput } from './zoho.auth.js';
import { ZohoTokens } from './zoho.auth.js';
import { countRecords, listViaBulk, planFullSync } from './zoho.bulk.js';
import type { ClientOptions } from './zoho.client.js';
import { ZohoClient } from './zoho.client.js';
import { readRates } from './zoho.currencies.js';
import { classifyAny } from './zoho.errors.js';
import { discoverSettings, installResultFields } from './zoho.fields.js';
import { limiterFor } from './zoho.limiter.js';
import type { ZohoRecord } from './zoho.mapping.js';
import {
  accountFieldList,
  dealFieldList,
  mapAccount,
  mapDeal,
  mapPartner,
  partnerFieldList,
} from './zoho.mapping.js';
import type { ZohoSettings, ZohoSettingsInput } from './zoho.settings.js';
import { EDITION_CONCURRENCY, parseZohoSettings } from './zoho.settings.js';
import type { ListSpec } from './zoho.sync.js';
import {
  COQL_PAGE,
  coqlString,
  decodeCursor,
  getByIds,
  listDeletedRecords,
  listViaCoql,
  listViaRecords,
} from './zoho.sync.js';
import { channelIdFor, enableWatch, withSecret } from './zoho.watch.js';
import { verifyZohoWebhook } from './zoho.webhook.js';
import { WRITE_BATCH, writeResults } from './zoho.write.js';

export type ZohoDeps = ConnectorDeps<ZohoCredentialsInput, ZohoSettingsInput>;

/** How long one vault read serves push verification (see pushSecrets). */
export const PUSH_SECRETS_TTL_MS = 2000;

export interface ZohoConnectorOptions {
  /** Test hooks: fast backoff, injected sleep/random, a shared axios instance. */
  client?: Partial<Pick<ClientOptions, 'backoff' | 'rateLimitPauseMs' | 'sleep' | 'random'>>;
  http?: AxiosInstance;
  /** Bulk Read polling: first wait and the most to wait for a job (defaults 2 s and 10 min). */
  bulk?: { pollMs?: number; maxWaitMs?: number };
}

export interface ZohoConnector extends CrmConnector {
  readonly settings: ZohoSettings;
  readonly client: ZohoClient;
  readonly channelId: string;
}

export function createZohoConnector(deps: ZohoDeps, options: ZohoConnectorOptions = {}): ZohoConnector {
  const settings = parseZohoSettings(deps.settings);
  const http = options.http ?? axios.create({ timeout: settings.timeoutMs, maxRedirects: 0 });
  const tokens = new ZohoTokens(deps, http, settings.allowedApiDomains);
  const client = new ZohoClient(deps, tokens, limiterFor(deps.tenantId, settings.edition), {
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    http,
    ...options.client,
  });
  const channelId = channelIdFor(deps.tenantId, settings.channelId);
  const values = settings.partnerFilter.values.map(coqlString).join(', ');
  const filter = settings.partnerFilter.field;
  const isPartner = (raw: ZohoRecord) => settings.partnerFilter.values.includes(String(raw[filter] ?? ''));

  const partnerSpec: ListSpec<Partner> = {
    module: settings.partnerModule,
    fields: partnerFieldList(settings),
    criteria: [`${filter} in (${values})`],
    accept: isPartner,
    map: (raw) => mapPartner(raw, settings),
  };
  const accountSpec: ListSpec<Account> = {
    module: settings.accountModule,
    fields: accountFieldList(settings),
    criteria:
      settings.accountModule === settings.partnerModule
        ? [`(${filter} not in (${values}) or ${filter} is null)`]
        : [],
    accept: (raw) => settings.accountModule !== settings.partnerModule || !isPartner(raw),
    map: (raw) => mapAccount(raw, settings),
  };
  const dealSpec: ListSpec<Deal> = {
    module: settings.dealModule,
    fields: dealFieldList(settings),
    criteria: [],
    accept: () => true,
    map: (raw) => mapDeal(raw, settings),
  };

  const bulkOptions = {
    pollMs: options.bulk?.pollMs ?? 2000,
    maxWaitMs: options.bulk?.maxWaitMs ?? 10 * 60_000,
    sleep: options.client?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
  };

  async function* list<T>(spec: ListSpec<T>, opts: ListOptions = {}): AsyncIterable<Page<T>> {
    const since = opts.since ?? null;
    const cursor = opts.cursor ?? null;
    if (settings.readVia === 'records') {
      yield* listViaRecords(client, spec, since, cursor);
      return;
    }
    if (cursor && decodeCursor(cursor).via === 'bulk') {
      yield* listViaBulk(client, spec, cursor, bulkOptions);
      return;
    }
    // A first, full sync of a whole module: count (1 credit) and take the cheaper path.
    if (opts.full && !since && !cursor && settings.readVia === 'auto' && spec.criteria.length === 0) {
      const plan = planFullSync(await countRecords(client, spec.module), settings.bulkReadThreshold);
      deps.log.info({ tenantId: deps.tenantId, module: spec.module, ...plan }, 'zoho full sync plan');
      if (plan.via === 'bulk') {
        yield* listViaBulk(client, spec, null, bulkOptions);
        return;
      }
    }
    yield* listViaCoql(client, spec, since, cursor);
  }

  /** Webhook token and secret live in the vault; made once, on first subscribe. */
  const webhookSecrets = async (create: boolean) => {
    const creds = await tokens.readCredentials();
    if ((creds.webhookToken && creds.webhookSecret) || !create) return creds;
    const next = {
      ...creds,
      webhookToken: creds.webhookToken ?? randomBytes(24).toString('base64url'),
      webhookSecret: creds.webhookSecret ?? randomBytes(24).toString('base64url'),
    };
    await deps.credentials.write(next);
    return next;
  };

  // Pushes come in bursts (thousands a second): verifying each must not read and decrypt
  // the vault. The secrets are made once and never change afterwards, so a read is
  // reused for PUSH_SECRETS_TTL_MS (a tenant reconnected meanwhile is checked against the
  // new ones within that time).
  let pushRead: { at: number; creds: Promise<ZohoCredentials> } | null = null;
  const pushSecrets = () => {
    const now = Date.now();
    if (!pushRead || now - pushRead.at >= PUSH_SECRETS_TTL_MS) {
      const creds = webhookSecrets(false);
      pushRead = { at: now, creds };
      creds.catch(() => {
        if (pushRead?.creds === creds) pushRead = null;
      });
    }
    return pushRead.creds;
  };

  const watch = async (notifyUrl: string, method: 'POST' | 'PATCH'): Promise<Subscription> => {
    const creds = await webhookSecrets(true);
    const target = {
      channelId,
      token: creds.webhookToken!,
      notifyUrl: withSecret(notifyUrl, creds.webhookSecret!),
    };
    return enableWatch(client, settings, target, deps.now(), method);
  };

  return {
    kind: 'zoho',
    settings,
    client,
    channelId,
    limits: {
      writeBatchSize: WRITE_BATCH,
      readPageSize: COQL_PAGE,
      concurrency: EDITION_CONCURRENCY[settings.edition],
    },
    listPartners: (opts) => list(partnerSpec, opts),
    listAccounts: (opts) => list(accountSpec, opts),
    listDeals: (opts) => list(dealSpec, opts),
    async *listDeleted(since: Date): AsyncIterable<Deleted[]> {
      yield* listDeletedRecords(client, settings.dealModule, ['deal'], since);
      // A deleted Account may have been a partner or a customer: report both; the store ignores the miss.
      yield* listDeletedRecords(client, settings.partnerModule, ['partner', 'account'], since);
    },
    getDeals: (ids) => getByIds(client, dealSpec, ids),
    writeResults: (rows: ResultWrite[]): Promise<WriteOutcome[]> => writeResults(client, settings, rows),
    async installFields(): Promise<InstallReport> {
      const fields = await installResultFields(client, settings);
      const discovered = await discoverSettings(client, settings);
      return {
        present: fields.present,
        created: fields.created,
        missing: fields.missing,
        discoveredSettings: { ...discovered, resultFields: fields.resultFields },
      };
    },
    subscribe: (notifyUrl) => watch(notifyUrl, 'POST'),
    async renew(notifyUrl) {
      try {
        return await watch(notifyUrl, 'PATCH');
      } catch (e) {
        // An expired channel is gone on Zoho's side: subscribe afresh.
        if (classifyAny(e).kind === 'permanent') return watch(notifyUrl, 'POST');
        throw e;
      }
    },
    async verifyWebhook(req: WebhookRequest): Promise<WebhookVerdict> {
      const creds = await pushSecrets();
      return verifyZohoWebhook(req, {
        secret: creds.webhookSecret,
        channelId,
        token: creds.webhookToken,
        dealModule: settings.dealModule,
        partnerModule: settings.partnerModule,
        now: deps.now(),
      });
    },
    classify: classifyAny,
    async refreshAccess(minValidMs: number) {
      const creds = await tokens.readCredentials();
      const expires = creds.accessTokenExpiresAt;
      if (creds.accessToken && creds.apiDomain && expires && expires - deps.now().getTime() >= minValidMs) {
        return { refreshed: false, expiresAt: new Date(expires).toISOString() };
      }
      // Passing the token we saw: whoever already replaced it (another job, another process) wins.
      const grant = await tokens.refresh(creds.accessToken);
      return {
        refreshed: grant.token !== creds.accessToken,
        expiresAt: new Date(grant.expiresAt).toISOString(),
      };
    },
    readRates: (planCurrency: string) => readRates(client, planCurrency),
  };
}
