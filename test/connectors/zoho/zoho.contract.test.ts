import { CrmError } from '../../../connectors/contract.js';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import { classifyZoho } from '../../../connectors/zoho/zoho.errors.js';
import { runContractSuite } from '../contract.suite.js';
import type { TestTenant } from './zoho.harness.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

let sb: ZohoSandbox;
let tenant: TestTenant;
let next = 0;

runContractSuite({
  name: 'zoho (sandbox)',
  async setup() {
    sb = await ZohoSandbox.start({ seed: { seed: 7, partners: 120, deals: 2600 } });
    tenant = tenantFor(sb, { tenantId: 'contract-zoho' });
  },
  async teardown() {
    await sb.close();
  },
  connector: () => connectorFor(tenant),
  // Deals as the sandbox holds them now (the suite itself deletes one).
  seeded: () => ({
    partners: sb.seedSummary.partners,
    accounts: sb.seedSummary.customers,
    deals: sb.org.module('Deals')!.records.size,
  }),
  async changeDeal() {
    const ids = sb.org.module('Deals')!.ids;
    const dealId = ids[(next++ * 97) % ids.length]!;
    const current = sb.org.module('Deals')!.records.get(dealId)!.Stage;
    sb.setDealStage(dealId, current === 'Closed Won' ? 'Negotiation/Review' : 'Closed Won');
    return { dealId };
  },
  async deleteDeal() {
    const ids = sb.org.module('Deals')!.ids;
    const dealId = ids[ids.length - 1]!;
    sb.userDelete('Deals', dealId);
    return { dealId };
  },
  async readPartnerResult(partnerId) {
    const rec = sb.org.module('Accounts')!.records.get(partnerId);
    if (!rec) return null;
    return Object.fromEntries(Object.entries(rec).filter(([k]) => k.startsWith('Incentive_')));
  },
  unknownPartnerId: '5725767999999999999',
  errorSamples: [
    {
      name: '429 without Retry-After',
      error: new CrmError('x', classifyZoho({ status: 429, code: 'TOO_MANY_REQUESTS' })),
      kind: 'rateLimited',
    },
    {
      name: 'axios-shaped INVALID_TOKEN',
      error: { response: { status: 401, data: { code: 'INVALID_TOKEN' }, headers: {} } },
      kind: 'needsReauth',
    },
    {
      name: 'axios-shaped INTERNAL_ERROR',
      error: { response: { status: 500, data: { code: 'INTERNAL_ERROR' }, headers: {} } },
      kind: 'retryable',
    },
    {
      name: 'axios-shaped INVALID_DATA',
      error: { response: { status: 400, data: { code: 'INVALID_DATA' }, headers: {} } },
      kind: 'permanent',
    },
  ],
});
