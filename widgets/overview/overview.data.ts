// Reads the programme overview (GET /api/widget/overview, docs/widget.md §3b) and its CSV with
// the session token: timeout on every call, one retry for network failures and 5xx only.
import { WidgetDataError } from '../shared/types.js';

// The server's types (type-only: nothing of the server is bundled), so the page and the
// API cannot drift apart.
export type { Overview as OverviewData, OverviewFilter } from '../../src/widget-api/overview.js';

import type { Overview as OverviewData, OverviewFilter } from '../../src/widget-api/overview.js';

export class OverviewClient {
  constructor(
    private readonly baseUrl: string,
    private readonly getToken: () => Promise<string>,
    private readonly timeoutMs = 8000,
  ) {}

  private url(path: string, filter: OverviewFilter): URL {
    const url = new URL(`api/widget/${path}`, this.baseUrl.replace(/\/?$/, '/'));
    for (const [k, v] of Object.entries(filter)) if (v) url.searchParams.set(k, v);
    return url;
  }

  private async get(url: URL): Promise<Response> {
    const token = await this.getToken();
    let last: WidgetDataError | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        last = new WidgetDataError('unreachable', `GET ${url.pathname} failed: ${(error as Error).message}`);
        continue;
      }
      if (response.status === 401 || response.status === 403)
        throw new WidgetDataError('unauthorized', `GET ${url.pathname} answered ${response.status}`);
      if (response.status === 404) throw new WidgetDataError('not-found', `GET ${url.pathname} answered 404`);
      if (response.status >= 500) {
        last = new WidgetDataError('unreachable', `GET ${url.pathname} answered ${response.status}`);
        continue;
      }
      if (!response.ok)
        throw new WidgetDataError('bad-response', `GET ${url.pathname} answered ${response.status}`);
      return response;
    }
    throw last!;
  }

  async load(filter: OverviewFilter): Promise<OverviewData> {
    const response = await this.get(this.url('overview', filter));
    const body = (await response.json().catch(() => null)) as OverviewData | null;
    if (!body || !Array.isArray(body.leaderboard) || typeof body.period !== 'string')
      throw new WidgetDataError('bad-response', 'overview: unexpected answer');
    return body;
  }

  async csv(filter: OverviewFilter): Promise<{ blob: Blob; filename: string }> {
    const response = await this.get(this.url('overview.csv', filter));
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'incentives.csv';
    return { blob: await response.blob(), filename };
  }
}
