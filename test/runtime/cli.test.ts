// The runtime CLI commands against a DATA_DIR with no server running (the command
// opens the embedded database itself). --json prints exactly one JSON document.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '../../src/secrets/keyring.js';
import { runCli } from './helpers/cli.js';
import { planYaml } from './helpers/plans.js';

const run = runCli;

describe('runtime CLI without a running server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-cli-'));
    process.env.DATA_DIR = join(dir, 'data');
    delete process.env.DATABASE_URL;
    delete process.env.ENCRYPTION_KEYS;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Each command opens the embedded database itself (about a second each), so this
  // covers the essentials; the full command set runs against a live server in serve.e2e.test.ts.
  it('adds and lists tenants, uploads plans and rotates keys, opening DATA_DIR itself', async () => {
    const creds = join(dir, 'creds.json');
    await writeFile(creds, JSON.stringify({ refresh_token: '1000.cli-secret' }));
    const added = await run(
      'tenant',
      'add',
      '--crm',
      'zoho',
      '--org',
      '777',
      '--region',
      'eu',
      '--credentials-file',
      creds,
      '--json',
    );
    expect(added.code).toBe(0);
    const tenant = JSON.parse(added.out);
    expect(tenant).toMatchObject({
      id: expect.stringMatching(/^t_/),
      crm: 'zoho',
      orgId: '777',
      hasCredentials: true,
    });
    expect(added.err).toMatch(/generated an encryption key/);
    expect(added.out).not.toContain('cli-secret');

    const listed = JSON.parse((await run('tenant', 'list', '--json')).out);
    expect(listed.tenants.map((t: { id: string }) => t.id)).toEqual([tenant.id]);

    const plan = join(dir, 'plan.yaml');
    await writeFile(plan, planYaml('CLI plan'));
    const up = await run('plan', 'upload', '--tenant', tenant.id, plan, '--json');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out)).toMatchObject({ version: 1, active: false });
    const rotated = await run('keys', 'rotate', '--json');
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.out)).toMatchObject({ activeKeyId: 'k1', rotated: 0, failed: [] });

    // A new key first, the generated one kept for reading: the tenant is re-sealed, with progress.
    const generated = (await readFile(join(dir, 'data', 'encryption.key'), 'utf8')).trim();
    const k2 = generateKeyEntry('k2');
    process.env.ENCRYPTION_KEYS = `${k2},${generated}`;
    try {
      const second = await run('keys', 'rotate');
      expect(second.code).toBe(0);
      expect(second.out).toBe('re-encrypted 1 secret(s); 0 failed\n');
      expect(second.err).toContain(`[1/1] ${tenant.id} credentials`);
      // The old key retired: the tenant is under k2.
      process.env.ENCRYPTION_KEYS = k2;
      const shown = JSON.parse((await run('tenant', 'show', tenant.id, '--json')).out);
      expect(shown).toMatchObject({ id: tenant.id, hasCredentials: true, credentialsKeyId: 'k2' });
    } finally {
      delete process.env.ENCRYPTION_KEYS;
    }
  });

  it('reports usage errors with exit 2 and has --help on each command', async () => {
    expect((await run('tenant', 'add', '--crm', 'salesforce', '--org', 'x')).code).toBe(2);
    expect((await run('plan', 'upload', '--tenant', 'nope', 'f')).code).toBe(2);
    for (const cmd of [
      ['tenant', 'add'],
      ['plan', 'upload'],
      ['keys', 'rotate'],
      ['admin-key', 'create'],
      ['serve'],
    ]) {
      const r = await run(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^usage: channel-incentives/);
    }
  });
});
