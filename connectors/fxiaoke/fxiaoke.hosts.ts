// Fxiaoke provider facts as data (docs/style.md: "provider facts are data").
// Every value here comes from /work/shared/crm/fxiaoke.md; the section is named beside it.
// Anything the fact sheet marks UNVERIFIED is only a *default* that a tenant setting overrides.

/** Known OpenAPI gateways per cloud (§1.1). The two public lists disagree, so the host is a per-tenant setting. */
export const FXIAOKE_CLOUDS = {
  fxiaoke: 'open.fxiaoke.com', // 纷享云 (both lists)
  huaweiCloud: 'open-hwcloud.fxiaoke.com', // 华为云 (2026 list)
  aliCloud: 'open-ale.fxiaoke.com', // 阿里云 (2026) / 钉钉云 (2023)
  hongKongHuawei: 'open-ksc.sharecrm.com', // 香港华为 (2026)
  frankfurt: 'open-hws.fxiaoke.com', // 法兰克福 (2026) / 鲲鹏云 (2023)
  northAmerica: 'open-na.sharecrm.com', // 北美 (2026)
  kingsoftCloud: 'open-fxcrm.ksyun.com', // 金山云 (2023)
  twins: 'open-crm.sbtjt.com', // 双胞胎 (2023)
} as const;
export type FxiaokeCloud = keyof typeof FXIAOKE_CLOUDS;

export const DEFAULT_FXIAOKE_BASE_URL = `https://${FXIAOKE_CLOUDS.fxiaoke}`;

/** OpenAPI paths (§1.2, §1.3, §1.4, §2.1, §4.4). */
export const FX_PATHS = {
  legacyToken: '/cgi/corpAccessToken/get/V2',
  oauthToken: '/oauth2.0/token',
  userByMobile: '/cgi/user/getByMobile',
  query: '/cgi/crm/v2/data/query',
  get: '/cgi/crm/v2/data/get',
  update: '/cgi/crm/v2/data/update',
  create: '/cgi/crm/v2/data/create',
  invalid: '/cgi/crm/v2/data/invalid',
  customQuery: '/cgi/crm/custom/v2/data/query',
  customGet: '/cgi/crm/custom/v2/data/get',
  customUpdate: '/cgi/crm/custom/v2/data/update',
  describe: '/cgi/crm/v2/object/describe',
  objectList: '/cgi/crm/v2/object/list',
  specialFunction: '/cgi/crm/v2/special/function',
} as const;

/** Custom objects (api name ending in `__c`) must use the `/custom/` paths (§2.1 notes). */
export function isCustomObject(apiName: string): boolean {
  return apiName.endsWith('__c');
}

export function dataPath(apiName: string, action: 'query' | 'get' | 'update'): string {
  if (isCustomObject(apiName)) {
    return action === 'query'
      ? FX_PATHS.customQuery
      : action === 'get'
        ? FX_PATHS.customGet
        : FX_PATHS.customUpdate;
  }
  return FX_PATHS[action];
}

/** Limits (§2.2, §3.3). */
export const FX_LIMITS = {
  /** Query page size maximum in the 2025-26 docs. */
  pageSize: 100,
  /** Largest documented `offset`; beyond it errorCode 10013 → switch to an `_id` cursor. */
  maxOffset: 10_000,
  /** Safe floor of the per-endpoint limit: 60 calls / 20 s (2023 wiki; 2026 docs say 100). */
  perEndpoint: { calls: 60, perMs: 20_000 },
  /** Token endpoint: ≤ 10 / min, no concurrency (DERIVED, UNVERIFIED). */
  tokenEndpoint: { calls: 10, perMs: 60_000 },
  /** Documented token lifetime; same token returned for the first 6600 s. */
  tokenLifetimeSec: 7200,
  /** APL: Fx.object ≤ 300 calls per run; batchUpdate ≤ 500 rows (custom objects). */
  aplBatchSize: 100,
} as const;

/** The time zone quotas reset in ("0 点重新统计", §3.2) and describe reports (GMT+8, §2.7). */
export const CHINA_UTC_OFFSET_MS = 8 * 3600_000;
