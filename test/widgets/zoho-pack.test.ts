import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../../widgets/dev/demo-data.js';
import { checkZetLimits, packZoho } from '../../widgets/dev/pack-zoho.js';

const project = mkdtempSync(join(tmpdir(), 'ci-zoho-pack-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('manifest/zoho extension project', () => {
  it('has the CRM manifest exactly as the toolkit template writes it', () => {
    expect(JSON.parse(readFileSync(join(REPO, 'manifest/zoho/plugin-manifest.json'), 'utf8'))).toEqual({
      service: 'CRM',
    });
  });

  it('packs within the toolkit limits, loads only Zoho SDK from a CDN, and bakes in the API origin', async () => {
    copyFileSync(join(REPO, 'manifest/zoho/plugin-manifest.json'), join(project, 'plugin-manifest.json'));
    const report = await packZoho({
      projectDir: project,
      apiBase: 'https://incentives.example.com/any/path',
    });
    expect(report.problems).toEqual([]);
    expect(report.files.length).toBeLessThanOrEqual(250);
    const html = readFileSync(join(project, 'app/widget.html'), 'utf8');
    expect(html).toContain('<meta name="ci-api-base" content="https://incentives.example.com" />');
    const external = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((u) => /^https?:/.test(u!));
    expect(external).toEqual(['https://live.zwidgets.com/js-sdk/1.2/ZohoEmbededAppSDK.min.js']);
    const js = readdirSync(join(project, 'app/assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(project, 'app/assets', f), 'utf8'))
      .join('\n');
    expect(report.files.some((f) => f.path.includes('standin') || f.path.includes('host'))).toBe(false);
    expect(/from\s*"node:|require\("node:|import\("node:/.test(js)).toBe(false); // the core stayed pure
    expect(js).not.toContain('yaml.alias'); // the YAML parser is not shipped
  }, 60_000);

  it('reports every broken limit', () => {
    const bad = mkdtempSync(join(tmpdir(), 'ci-zoho-bad-'));
    try {
      writeFileSync(join(bad, 'bad name.js'), 'x');
      const report = checkZetLimits(bad);
      expect(report.problems).toEqual([
        'bad name.js: "bad name.js" is not a safe file name',
        'plugin-manifest.json is missing',
        'app/widget.html is missing',
      ]);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
