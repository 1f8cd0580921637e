// Builds the Zoho widget into the extension project `manifest/zoho/` in the layout Zoho's
// extension toolkit packs (`zet pack`): plugin-manifest.json + app/widget.html + app/assets,
// then checks the toolkit's limits. Run: `npm run build:widgets` (or `tsx widgets/dev/pack-zoho.ts
// --api-base https://incentives.example.com` for internal hosting, where the widget must know our server).
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { REPO } from './demo-data.js';

/** Limits `zet validate`/`zet pack` enforce (fact sheet zoho.md §7.1). */
export const ZET_LIMITS = {
  maxFiles: 250,
  maxFileBytes: 5 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  fileName: /^[A-Za-z0-9_.$-]*$/,
  maxPathLength: 250,
};

export interface PackReport {
  files: { path: string; bytes: number }[];
  totalBytes: number;
  problems: string[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue; // not part of the package
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

export function checkZetLimits(projectDir: string): PackReport {
  const files = walk(projectDir).map((full) => ({
    path: relative(projectDir, full),
    bytes: statSync(full).size,
  }));
  const problems: string[] = [];
  if (files.length > ZET_LIMITS.maxFiles)
    problems.push(`${files.length} files (limit ${ZET_LIMITS.maxFiles})`);
  let totalBytes = 0;
  for (const f of files) {
    totalBytes += f.bytes;
    if (f.bytes > ZET_LIMITS.maxFileBytes) problems.push(`${f.path}: ${f.bytes} bytes (limit 5 MB)`);
    for (const part of f.path.split(/[\\/]/)) {
      if (!ZET_LIMITS.fileName.test(part)) problems.push(`${f.path}: "${part}" is not a safe file name`);
    }
    if (f.path.length > ZET_LIMITS.maxPathLength) problems.push(`${f.path}: path longer than 250 characters`);
  }
  if (totalBytes > ZET_LIMITS.maxTotalBytes) problems.push(`${totalBytes} bytes in all (limit 20 MB)`);
  const manifest = files.find((f) => f.path === 'plugin-manifest.json');
  if (!manifest) problems.push('plugin-manifest.json is missing');
  if (!files.some((f) => f.path === join('app', 'widget.html'))) problems.push('app/widget.html is missing');
  return { files, totalBytes, problems };
}

export async function packZoho(options: { projectDir?: string; apiBase?: string } = {}): Promise<PackReport> {
  const projectDir = options.projectDir ?? join(REPO, 'manifest', 'zoho');
  const appDir = join(projectDir, 'app');
  const root = join(REPO, 'widgets', 'zoho');
  await build({
    configFile: false,
    root,
    base: './',
    publicDir: false, // the stand-in SDK and host pages never ship to Zoho
    logLevel: 'error',
    build: {
      outDir: appDir,
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: { polyfill: false },
      rollupOptions: {
        input: join(root, 'index.html'),
        onwarn: (warning, warn) => {
          if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
        },
        treeshake: { moduleSideEffects: (id) => !/[\\/]node_modules[\\/]yaml[\\/]/.test(id) },
        output: {
          manualChunks: (id) => (/[\\/](node_modules|src[\\/]core)[\\/]/.test(id) ? 'core' : undefined),
        },
      },
    },
  });
  renameSync(join(appDir, 'index.html'), join(appDir, 'widget.html'));
  if (options.apiBase) {
    const origin = new URL(options.apiBase).origin;
    const html = readFileSync(join(appDir, 'widget.html'), 'utf8');
    writeFileSync(
      join(appDir, 'widget.html'),
      html.replace(
        '<meta name="ci-api-base" content="" />',
        `<meta name="ci-api-base" content="${origin}" />`,
      ),
    );
  }
  return checkZetLimits(projectDir);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { 'api-base': { type: 'string' } } });
  const report = await packZoho({ apiBase: values['api-base'] });
  for (const f of report.files) console.log(`${String(f.bytes).padStart(9)}  ${f.path}`);
  console.log(`${report.files.length} files, ${report.totalBytes} bytes`);
  if (report.problems.length) {
    console.error(`manifest/zoho breaks the extension toolkit's limits:\n- ${report.problems.join('\n- ')}`);
    process.exit(1);
  }
}
