// What our server needs to know about Zoho to host and trust the partner widget
// (docs/widget.md §2): where Zoho CRM pages and internally hosted widgets live, and how a
// Zoho user is proven to us.
//
// The proof: the widget cannot keep a secret, but a Zoho Function can. The admin pastes
// `delugeSessionFunction()` into Setup → Developer Hub → Functions; its source (and so the
// per-tenant secret) is visible only to Zoho admins and developers. Run from the widget
// (`ZOHO.CRM.FUNCTIONS.execute`), it executes server-side in Zoho as the signed-in user, reads
// `zoho.loginuserid` (the user's e-mail) there and signs `v1\n<tenant>\n<user>\n<time ms>` with
// HMAC-SHA256 (`zoho.encryption.hmacsha256(key, data, "hex")`, Deluge docs). Our server checks
// the signature and the time window and issues a session for that tenant and user. A user can
// only get a proof for themselves; nobody without the function source can forge one.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Zoho CRM's web UI, per data centre (`crm.zoho.<tld>`; Canada on zohocloud.ca): the pages
 * that frame an externally hosted widget.
 */
export const ZOHO_CRM_WEB_ORIGINS = [
  'https://crm.zoho.com',
  'https://crm.zoho.eu',
  'https://crm.zoho.in',
  'https://crm.zoho.com.au',
  'https://crm.zoho.com.cn',
  'https://crm.zoho.jp',
  'https://crm.zohocloud.ca',
  'https://crm.zoho.sa',
] as const;

/**
 * Internally hosted widgets run on a random subdomain of Zoho's widget-content domain
 * (`https://<uuid>.zappsusercontent.com`, `.eu` seen in public integrations; the other data
 * centres' suffixes follow the same pattern and are an inference).
 */
export const ZOHO_WIDGET_ORIGIN_SUFFIXES = [
  'zappsusercontent.com',
  'zappsusercontent.eu',
  'zappsusercontent.in',
  'zappsusercontent.com.au',
  'zappsusercontent.com.cn',
  'zappsusercontent.jp',
  'zappsusercontent.ca',
  'zappsusercontent.sa',
] as const;

/** True for an origin an internally hosted Zoho widget (or a Zoho CRM page) calls us from. */
export function isZohoWidgetOrigin(origin: string): boolean {
  if ((ZOHO_CRM_WEB_ORIGINS as readonly string[]).includes(origin)) return true;
  const m = /^https:\/\/([a-z0-9-]+)\.([a-z.]+)$/.exec(origin);
  return !!m && (ZOHO_WIDGET_ORIGIN_SUFFIXES as readonly string[]).includes(m[2]!);
}

/** frame-ancestors sources for externally hosted widgets in Zoho CRM. */
export const ZOHO_FRAME_ANCESTORS: readonly string[] = [
  ...ZOHO_CRM_WEB_ORIGINS,
  ...ZOHO_WIDGET_ORIGIN_SUFFIXES.map((s) => `https://*.${s}`),
];

/** The Zoho Function the widget calls; its api name is fixed so the widget can find it. */
export const ZOHO_SESSION_FUNCTION = 'ci_widget_session';

export interface ZohoWidgetProof {
  tenant: string;
  user: string;
  /** ms since the epoch, as Deluge's `zoho.currenttime.toLong()`. */
  time: number;
  /** Lowercase hex HMAC-SHA256. */
  signature: string;
}

export const proofMessage = (p: Omit<ZohoWidgetProof, 'signature'>) =>
  `v1\n${p.tenant}\n${p.user}\n${p.time}`;

export const signProof = (secret: string, p: Omit<ZohoWidgetProof, 'signature'>) =>
  createHmac('sha256', secret).update(proofMessage(p), 'utf8').digest('hex');

/** How far a proof's time may be from ours (clock skew plus the widget's round trip). */
export const PROOF_WINDOW_MS = 5 * 60_000;

export type ProofCheck = { ok: true } | { ok: false; reason: string };

export function verifyProof(secret: string, p: ZohoWidgetProof, now: Date): ProofCheck {
  if (!/^[0-9a-f]{64}$/.test(p.signature)) return { ok: false, reason: 'signature is not 64 hex digits' };
  const expected = Buffer.from(signProof(secret, p), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(p.signature, 'hex')))
    return { ok: false, reason: 'signature does not match' };
  if (Math.abs(now.getTime() - p.time) > PROOF_WINDOW_MS)
    return { ok: false, reason: 'proof is older than 5 minutes (or the clocks disagree)' };
  return { ok: true };
}

/**
 * The Deluge source of the session function for one tenant (Setup → Developer Hub →
 * Functions → New Function, category Standalone, name `ci_widget_session`). The secret is
 * a string literal in it, so only people who can read functions can see it.
 */
export function delugeSessionFunction(tenantId: string, secret: string): string {
  return [
    `string standalone.${ZOHO_SESSION_FUNCTION}()`,
    '{',
    '  // channel-incentives: proves the signed-in user to the incentive server (docs/widget.md §2).',
    '  // Keep this function private: anyone who reads the key below can impersonate users.',
    `  tenant = "${tenantId}";`,
    `  key = "${secret}";`,
    '  user = zoho.loginuserid;',
    '  now = zoho.currenttime.toLong();',
    '  data = "v1\\n" + tenant + "\\n" + user + "\\n" + now;',
    '  proof = Map();',
    '  proof.put("tenant", tenant);',
    '  proof.put("user", user);',
    '  proof.put("time", now);',
    '  proof.put("signature", zoho.encryption.hmacsha256(key, data, "hex"));',
    '  return proof.toString();',
    '}',
  ].join('\n');
}
