// The content types of the static files we serve (widget pages, their assets, the demo's
// CRM stand-in). One table, so the server and the stand-ins answer the same headers.
import { extname } from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type for a file path, or undefined for an extension we do not serve. */
export const contentTypeOf = (path: string): string | undefined => CONTENT_TYPES[extname(path).toLowerCase()];
