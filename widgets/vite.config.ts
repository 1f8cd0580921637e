// Widget bundles (npm run build:widgets → dist/widgets). Vanilla TS, the scoring core bundled
// for in-browser what-if; relative asset paths so the same files work when Zoho hosts the zip
// and when our server hosts them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url)).replace(/[/]$/, '');

export default defineConfig({
  root,
  base: './',
  publicDir: 'public',
  logLevel: 'info',
  build: {
    outDir: fileURLToPath(new URL('../dist/widgets', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      // The core's index re-exports parsePlan (YAML); the widget only validates JSON plans, and
      // `yaml` has no import-time effects, so let Rollup drop it when unused.
      // zod ships `@__PURE__` comments Rollup cannot place; they are dropped either way.
      onwarn: (warning, warn) => {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
      treeshake: { moduleSideEffects: (id) => !/[\\/]node_modules[\\/]yaml[\\/]/.test(id) },
      output: {
        // One shared chunk for the widget entries (UI + core); the host page stays tiny. The
        // DOM, formatting and locale helpers and the base styles get a chunk of their own so the admin console,
        // which shares only those, does not load the scoring core.
        manualChunks: (id) =>
          /[\\/]widgets[\\/]shared[\\/]((dom|format|locale)\.ts|base\.css)$/.test(id)
            ? 'ui'
            : /[\\/](node_modules|src[\\/]core|widgets[\\/]shared)[\\/]/.test(id)
              ? 'widget'
              : undefined,
      },
      input: {
        zoho: `${root}/zoho/index.html`,
        fxiaoke: `${root}/fxiaoke/index.html`,
        overview: `${root}/overview/index.html`,
        admin: `${root}/admin/index.html`,
        'zoho-host': `${root}/host/zoho-host.html`,
        'fxiaoke-host': `${root}/host/fxiaoke-host.html`,
      },
    },
  },
});
