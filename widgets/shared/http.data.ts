// Reads the widget payload from our server: GET /api/widget/partners/:partnerId?period=P with a
// per-tenant+user session token (docs/widget.md). Timeout on every call; one retry for network
// failures and 5xx only (a 401/404 will not get better by asking again).
import { parsePayload } from './payload.schema.js';
import { type WidgetData, WidgetDataError, type WidgetPayload } from './types.js';

export interface HttpWidgetDataOptions {
  /** Origin (and optional path prefix) of our server, e.g. `https://incentives.example.com`. */
  baseUrl: string;
  /** The session token; asked for on each load so a refreshed token is picked up. */
  getToken: () => Promise<string>;
  timeoutMs?: number;
  retries?: number;
  fetch?: typeof fetch;
}

export class HttpWidgetData implements WidgetData {
  constructor(private readonly options: HttpWidgetDataOptions) {}

  async load(partnerId: string, period?: string): Promise<WidgetPayload> {
    const { baseUrl, timeoutMs = 8000, retries = 1 } = this.options;
    const doFetch = this.options.fetch ?? globalThis.fetch.bind(globalThis);
    const url = new URL(`api/widget/partners/${encodeURIComponent(partnerId)}`, baseUrl.replace(/\/?$/, '/'));
    if (period) url.searchParams.set('period', period);
    const token = await this.options.getToken();
    let lastError: WidgetDataError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        lastError = new WidgetDataError(
          'unreachable',
          `GET ${url.pathname} failed: ${(error as Error).message}`,
        );
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new WidgetDataError('unauthorized', `GET ${url.pathname} answered ${response.status}`);
      }
      if (response.status === 404) throw new WidgetDataError('not-found', `GET ${url.pathname} answered 404`);
      if (response.status >= 500) {
        lastError = new WidgetDataError('unreachable', `GET ${url.pathname} answered ${response.status}`);
        continue;
      }
      if (!response.ok)
        throw new WidgetDataError('bad-response', `GET ${url.pathname} answered ${response.status}`);
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new WidgetDataError('bad-response', `GET ${url.pathname} did not answer JSON`);
      }
      const parsed = parsePayload(body);
      if (!parsed.ok) throw new WidgetDataError('bad-response', `widget payload: ${parsed.error}`);
      return parsed.payload;
    }
    throw lastError!;
  }
}
