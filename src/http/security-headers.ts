// The security headers of an API response, as constants: exactly what @fastify/helmet
// sets with app.ts's options (helmet's defaults, `frame-ancestors 'none'`,
// `X-Frame-Options: DENY`). @fastify/helmet rebuilds helmet's middleware (parsing the
// CSP directives again) on every request, which was ~6 % of the API's CPU at 2,000
// pushes/s; the push route sets these instead (route option `helmet: false`).
// test/http/security-headers.test.ts asserts the two stay identical, so a helmet
// upgrade that changes its defaults fails a test instead of drifting silently.
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';" +
    "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';" +
    "style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});
