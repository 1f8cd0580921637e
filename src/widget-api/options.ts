// Options of the widget surface (the app's `widget` dependency), resolved once.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FRAME_ANCESTORS } from './embedding.js';
import { SESSION_TTL_MS } from './sessions.js';

export interface WidgetOptions {
  /** frame-ancestors of widget pages (WIDGET_FRAME_ANCESTORS); default: every CRM origin. */
  frameAncestors?: readonly string[];
  /** Extra origins allowed to call the widget API cross-origin (WIDGET_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
  /** The built widget files; default `dist/widgets` of this package. */
  root?: string;
  sessionTtlMs?: number;
  /** The clock (tests pin "now" to the examples' period). */
  now?: () => Date;
}

export type ResolvedWidgetOptions = Required<WidgetOptions>;

/** `dist/widgets` of the package this file belongs to (run from src/ with tsx or from dist/). */
export function defaultWidgetRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'widgets');
}

export function resolveWidgetOptions(o: WidgetOptions = {}): ResolvedWidgetOptions {
  return {
    frameAncestors: o.frameAncestors ?? DEFAULT_FRAME_ANCESTORS,
    corsOrigins: o.corsOrigins ?? [],
    root: o.root ?? defaultWidgetRoot(),
    sessionTtlMs: o.sessionTtlMs ?? SESSION_TTL_MS,
    now: o.now ?? (() => new Date()),
  };
}
