// Where the widget may be framed from and called from (docs/widget.md §2). The CRM facts
// live in the connectors; this combines them into the policy our server sends.
import { FXIAOKE_FRAME_ANCESTORS } from '../../connectors/fxiaoke/fxiaoke.user-oauth.js';
import { isZohoWidgetOrigin, ZOHO_FRAME_ANCESTORS } from '../../connectors/zoho/zoho.widget.js';

/** Every CRM page that may frame our widget pages: Zoho per data centre, Fxiaoke's hosts. */
export const DEFAULT_FRAME_ANCESTORS: readonly string[] = [
  ...ZOHO_FRAME_ANCESTORS,
  ...FXIAOKE_FRAME_ANCESTORS,
];

/**
 * The policy of widget pages: our own scripts and styles (plus Zoho's SDK), API calls to
 * ourselves, framing only by the CRMs. The widget needs no inline script or style.
 */
export function widgetCsp(frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self' https://live.zwidgets.com",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Origins allowed to call the widget API cross-origin: internally hosted Zoho widgets
 * (Zoho's widget-content domains) and the configured extra origins. Externally hosted
 * widgets (our /widgets/ pages) are same-origin and need no CORS at all.
 */
export function corsOriginAllowed(origin: string, extra: readonly string[]): boolean {
  return isZohoWidgetOrigin(origin) || extra.includes(origin);
}
