// The widget surface (docs/widget.md): /api/widget/* (session exchange, partner payload,
// programme overview; CORS for the CRM widget origins), /fxiaoke/start + /fxiaoke/callback
// (Fxiaoke sign-in), /widgets/* (the built widget, frameable by the CRMs only).
import type { FastifyInstance } from 'fastify';
import type { Keyring } from '../../secrets/keyring.js';
import type { Sql } from '../../store/sql.js';
import { resolveWidgetOptions, type WidgetOptions } from '../../widget-api/options.js';
import { installWidgetCors } from './widget-auth.js';
import { widgetDataRoutes } from './widget-data.routes.js';
import { widgetFxiaokeRoutes } from './widget-fxiaoke.routes.js';
import { widgetSessionRoutes } from './widget-session.routes.js';
import { widgetStaticRoutes } from './widget-static.routes.js';

export const WIDGET_API_PREFIX = '/api/widget';

export async function registerWidgetRoutes(
  app: FastifyInstance,
  deps: { db: Sql; keyring: Keyring; publicUrl: string; options?: WidgetOptions },
): Promise<void> {
  const o = resolveWidgetOptions(deps.options);
  await app.register(
    async (api) => {
      installWidgetCors(api, o.corsOrigins);
      // Preflights are answered by the CORS hook; this route only makes them reach it.
      api.options('/*', { schema: { hide: true } }, async (_req, reply) => reply.status(204).send());
      await api.register(
        widgetSessionRoutes({ db: deps.db, keyring: deps.keyring, now: o.now, ttlMs: o.sessionTtlMs }),
      );
      await api.register(widgetDataRoutes({ db: deps.db, now: o.now }));
    },
    { prefix: WIDGET_API_PREFIX },
  );
  await app.register(
    widgetFxiaokeRoutes({
      db: deps.db,
      keyring: deps.keyring,
      publicUrl: deps.publicUrl,
      now: o.now,
      ttlMs: o.sessionTtlMs,
      frameAncestors: o.frameAncestors,
    }),
  );
  await app.register(widgetStaticRoutes({ root: o.root, frameAncestors: o.frameAncestors }));
}
