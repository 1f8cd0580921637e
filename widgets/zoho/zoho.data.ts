// The Zoho widget's data: the Account record through the CRM's own API (so CRM permissions
// decide who sees it) plus plan, history and what-if input from our server. When the server
// cannot be reached, the stored result in `Incentive_Details` still renders (degraded).
import type { WidgetData, WidgetPayload } from '../shared/types.js';
import { WidgetDataError } from '../shared/types.js';
import { parseDetails, payloadFromRecord } from './details.js';
import type { ZohoHost } from './zoho-sdk.js';

export class ZohoWidgetData implements WidgetData {
  constructor(
    private readonly host: ZohoHost,
    private readonly server: WidgetData | null,
    private readonly entity = 'Accounts',
  ) {}

  async load(recordId: string, period?: string): Promise<WidgetPayload> {
    const [record, fromServer] = await Promise.allSettled([
      this.host.getRecord(this.entity, recordId),
      this.server
        ? this.server.load(recordId, period)
        : Promise.reject(new WidgetDataError('unreachable', 'no server configured')),
    ]);
    if (fromServer.status === 'fulfilled') {
      const payload = fromServer.value;
      const name = record.status === 'fulfilled' ? record.value.Account_Name : undefined;
      return typeof name === 'string' ? { ...payload, partner: { ...payload.partner, name } } : payload;
    }
    if (record.status === 'rejected') throw record.reason;
    const details = parseDetails(record.value.Incentive_Details);
    // The CRM let this user read the record, so its stored result may be shown whatever our server said.
    if (details && (!period || period === details.period))
      return payloadFromRecord(recordId, record.value, details);
    throw fromServer.reason;
  }
}
