// Session tokens for our server: one per tenant + CRM user, issued by the server (docs/widget.md §2).
// Kept in memory only (a CRM frame may be embedded anywhere; nothing lands in storage).
import { WidgetDataError } from './types.js';

export function sessionFromExchange(
  baseUrl: string,
  body: Record<string, string>,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  timeoutMs = 8000,
): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return () => {
    pending ??= (async () => {
      const url = new URL('api/widget/session', baseUrl.replace(/\/?$/, '/'));
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        pending = null;
        throw new WidgetDataError('unreachable', `POST ${url.pathname} failed: ${(error as Error).message}`);
      }
      const json = (await response.json().catch(() => null)) as { token?: unknown } | null;
      if (!response.ok || typeof json?.token !== 'string') {
        pending = null;
        throw new WidgetDataError(
          response.status === 401 || response.status === 403 ? 'unauthorized' : 'unreachable',
          `POST ${url.pathname} answered ${response.status}`,
        );
      }
      return json.token;
    })();
    return pending;
  };
}

/** A token handed over in the URL fragment (`#session=…`, never sent to servers), then removed from the address. */
export function sessionFromFragment(): (() => Promise<string>) | null {
  const match = /(?:^|[#&])session=([^&]+)/.exec(location.hash);
  if (!match) return null;
  const token = decodeURIComponent(match[1]!);
  history.replaceState(null, '', location.pathname + location.search);
  return async () => token;
}

/** API origin: `<meta name="ci-api-base">` when set (internal hosting), else the page's own origin. */
export function apiBase(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="ci-api-base"]')?.content.trim();
  return meta || location.origin;
}
