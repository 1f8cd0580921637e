// GET /widgets/* — the built widget (npm run build:widgets → dist/widgets) for external
// hosting (Zoho) and the Fxiaoke embedded page. These are the only responses a CRM may frame:
// they carry the widget policy (frame-ancestors = the CRMs' origins) instead of the app's
// `frame-ancestors 'none'`, and no X-Frame-Options. Everything else stays unframeable —
// including the admin console's pages (/widgets/admin/, reached from GET /admin), which hold
// an admin key and get a same-origin policy that no one may frame.
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { contentTypeOf } from '../../lib/content-types.js';
import { widgetCsp } from '../../widget-api/embedding.js';
import { ApiError } from '../errors.js';

/** Headers that make a response frameable by the CRMs (widget pages and the sign-in steps). */
export function widgetFrameHeaders(reply: FastifyReply, frameAncestors: readonly string[]): FastifyReply {
  reply.removeHeader('x-frame-options');
  return reply.header('content-security-policy', widgetCsp(frameAncestors));
}

/** The admin console: our own scripts, styles and API only; framed by nobody. */
export const ADMIN_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
const ADMIN_DIR = 'admin/';
export const ADMIN_CONSOLE_PATH = `/widgets/${ADMIN_DIR}index.html`;

export const widgetStaticRoutes =
  (deps: { root: string; frameAncestors: readonly string[] }): FastifyPluginAsync =>
  async (app) => {
    const root = normalize(deps.root);
    // The query goes along (?connected=t_… after Zoho's consent; ?lang=).
    app.get('/admin', { schema: { hide: true } }, async (req, reply) => {
      const at = req.url.indexOf('?');
      return reply.redirect(ADMIN_CONSOLE_PATH + (at < 0 ? '' : req.url.slice(at)), 302);
    });
    app.get('/widgets/*', { schema: { hide: true } }, async (req, reply) => {
      const rel = (req.params as { '*': string })['*'];
      const missing = () => new ApiError(404, 'not_found', `no widget file /widgets/${rel}`);
      let decoded: string;
      try {
        decoded = decodeURIComponent(rel);
      } catch {
        throw missing();
      }
      // No dot-files, no escaping the root, no directories.
      if (decoded.split('/').some((part) => part.startsWith('.')) || decoded.includes('\0')) throw missing();
      const file = normalize(join(root, decoded));
      if (!file.startsWith(root + sep)) throw missing();
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw missing();
      const body = await readFile(file);
      const type = contentTypeOf(file) ?? 'application/octet-stream';
      if (decoded.startsWith(ADMIN_DIR)) {
        reply.header('content-security-policy', ADMIN_CONSOLE_CSP).header('x-frame-options', 'DENY');
      } else widgetFrameHeaders(reply, deps.frameAncestors);
      // Vite names bundles by content hash (assets/): cache them for good; pages always revalidate.
      reply.header(
        'cache-control',
        decoded.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return reply.type(type).send(body);
    });
  };
