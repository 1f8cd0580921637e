// The shared connector contract suite against the Fxiaoke sandbox, once per write mode
// (data/update one record per call, and the APL batch function). CRM-user actions go
// through the sandbox-only HTTP routes; error samples are provoked from the sandbox so
// they arrive exactly as Fxiaoke sends them (HTTP 200 bodies with errorCode != 0).
// Push runs through the signed, encrypted data-change callback. The APL workflow channel is
// not run here: its body is authenticated by a header secret only, not signed, so the suite's
// tampered-body check fails for it (signing needs APL crypto functions, UNVERIFIED §4).
import {
  createFxiaokeConnector,
  type FxiaokeConnector,
} from '../../../connectors/fxiaoke/fxiaoke.connector.js';
import { FX_PATHS } from '../../../connectors/fxiaoke/fxiaoke.hosts.js';
import type { FxiaokeSettingsInput } from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import { SANDBOX_TENANT } from '../../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { type ContractHarness, runContractSuite } from '../contract.suite.js';
import {
  createFxiaokeHarness,
  type FxiaokeHarness,
  memoryDeps,
  sandboxCredentials,
  sandboxSettings,
  TEST_AES_KEY,
} from './harness.js';

const DEAL = 'NewOpportunityObj';
const PARTNER = 'PartnerObj';

/** Kept small so each run takes a few seconds: deals span three query pages (100 each). */
const SEED = { seed: 11, partners: 24, accounts: 30, opportunities: 230 };

function fxiaokeContract(name: string, settings: Partial<FxiaokeSettingsInput>): ContractHarness {
  let h: FxiaokeHarness;
  // One tenant (vault, locks) shared by every connector instance, as jobs share the store:
  // the cached token lives in the vault, so new instances do not each hit the token endpoint.
  let tenant: ReturnType<typeof memoryDeps>;
  const connector = () => createFxiaokeConnector(tenant.deps);
  let next = 0;
  const errorSamples: ContractHarness['errorSamples'] = [];

  /** A CRM user's action, through the sandbox-only routes the UI stands in for. */
  async function asUser(route: string, body: unknown): Promise<void> {
    const res = await fetch(`${h.sandbox.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`sandbox ${route} answered HTTP ${res.status}: ${await res.text()}`);
  }

  const live = () => h.sandbox.tables.get(DEAL)!.rows.filter((r) => r.life_status !== 'invalid');
  const wonValue = () =>
    h.sandbox.describes[DEAL]!.fields.sales_status!.options!.find((o) => o.label === '赢单')!.value;

  /** Makes one call fail the way Fxiaoke fails it and returns what the connector throws. */
  async function provoke(run: (c: FxiaokeConnector) => Promise<unknown>, fault?: [number, number]) {
    const c = connector();
    await c.mappingContext(); // token and describes first, so only the query meets the fault
    if (fault) h.sandbox.injectFault(FX_PATHS.query, fault[0], fault[1]);
    try {
      await run(c);
    } catch (e) {
      return e;
    } finally {
      h.sandbox.clearFaults();
    }
    throw new Error(`expected the sandbox to fail the call${fault ? ` with errorCode ${fault[0]}` : ''}`);
  }

  return {
    name,
    async setup() {
      h = await createFxiaokeHarness(SEED);
      tenant = memoryDeps(sandboxSettings(h.sandbox.url, settings), sandboxCredentials(), {
        tenantId: `contract-fx-${settings.writeMode}`,
      });
      const getDeal = (c: FxiaokeConnector) => c.getDeals([h.ops.ids('deal')[0]!]);
      errorSamples.push(
        {
          // Refreshed once on the first 20016; rejected again right after → an admin must act.
          name: '20016 token expired, again after the refresh',
          error: await provoke(getDeal, [20016, 2]),
          kind: 'needsReauth',
        },
        {
          // More than the client's retry attempts (4), so the 30004 surfaces.
          name: '30004 per-second limit',
          error: await provoke(getDeal, [30004, 4]),
          kind: 'rateLimited',
        },
        {
          name: '30002 daily quota used up',
          error: await provoke(getDeal, [30002, 1]),
          kind: 'quotaExhausted',
        },
        {
          name: '15002 bad parameter (an object the tenant does not have)',
          error: await provoke((c) =>
            c.client.call(FX_PATHS.query, {
              data: { dataObjectApiName: 'NoSuchObj', search_query_info: { limit: 1, offset: 0 } },
            }),
          ),
          kind: 'permanent',
        },
      );
    },
    async teardown() {
      // The suite's push receiver is gone; stop the callback so close() does not wait on retries.
      h.ops.registerPush(null);
      await h.close();
    },
    connector,
    // 作废 deals leave every list, as in the CRM; the suite itself invalidates one.
    seeded: () => ({
      partners: h.sandbox.tables.get(PARTNER)!.rows.length,
      accounts: h.sandbox.tables.get('AccountObj')!.rows.length,
      deals: live().length,
    }),
    async changeDeal() {
      const open = live().filter((r) => r.sales_status !== wonValue());
      const dealId = String(open[(next++ * 37) % open.length]!._id);
      await asUser('/sandbox/opportunity/win', { id: dealId });
      return { dealId };
    },
    async deleteDeal() {
      const dealId = String(live().at(-1)!._id);
      await asUser('/sandbox/record/invalid', { apiName: DEAL, id: dealId });
      return { dealId };
    },
    async readPartnerResult(partnerId) {
      const rec = h.sandbox.record(PARTNER, partnerId);
      if (!rec) return null;
      return Object.fromEntries(Object.entries(rec).filter(([k]) => k.startsWith('ci_')));
    },
    // Sandbox ids are prefix + 'dc04' + a 12-hex counter; this counter is never allocated.
    unknownPartnerId: '650a1e2cdc04ffffffffffff',
    errorSamples,
    // last_modified_time is a ms epoch.
    clockGranularityMs: 1,
    // No subscribe API (fact sheet §4.1): Fxiaoke staff register the callback URL and aesKey.
    async registerPushManually(notifyUrl) {
      await asUser('/sandbox/callback', {
        url: notifyUrl,
        aesKey: TEST_AES_KEY,
        enterpriseAccount: SANDBOX_TENANT.enterpriseAccount,
      });
    },
  };
}

runContractSuite(fxiaokeContract('fxiaoke (sandbox, data/update)', { writeMode: 'update' }));
// A batch of 4 so the suite's rows span several APL calls.
runContractSuite(fxiaokeContract('fxiaoke (sandbox, APL batch)', { writeMode: 'apl', aplBatchSize: 4 }));
