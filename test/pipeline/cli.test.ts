// `channel-incentives sync --tenant T --full --wait --json` (fixed contract) with no
// server running in the embedded default: the command runs the workers in-process,
// returns when sync, scoring and write-back have finished (exit 0) or failed (exit 1,
// with the reason); progress goes to stderr, stdout holds exactly one JSON document.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { runCli } from '../runtime/helpers/cli.js';
import { PLAN_SOURCE } from './pipeline.harness.js';

describe('sync and recalc from the CLI (embedded default, no server running)', () => {
  let dir: string;
  let sb: ZohoSandbox;
  let tenantId: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-sync-cli-'));
    process.env.DATA_DIR = join(dir, 'data');
    delete process.env.DATABASE_URL;
    delete process.env.REDIS_URL;
    delete process.env.ENCRYPTION_KEYS;
    sb = await ZohoSandbox.start({ seed: { seed: 3, partners: 15, deals: 200 } });
    const creds = join(dir, 'creds.json');
    await writeFile(
      creds,
      JSON.stringify({
        dataCentre: 'us',
        accountsUrl: sb.url,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        refreshToken: sb.oauth.issueRefreshToken(sb.clientId),
      }),
    );
    const settings = join(dir, 'settings.json');
    await writeFile(settings, JSON.stringify({ allowedApiDomains: [sb.url], edition: 'enterprise' }));
    const added = await runCli(
      'tenant',
      'add',
      '--crm',
      'zoho',
      '--org',
      'cli-sync',
      '--credentials-file',
      creds,
      '--settings-file',
      settings,
      '--json',
    );
    expect(added.code).toBe(0);
    tenantId = JSON.parse(added.out).id;
    const plan = join(dir, 'plan.yaml');
    await writeFile(plan, PLAN_SOURCE);
    expect((await runCli('plan', 'upload', '--tenant', tenantId, plan, '--activate')).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await sb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sync --full --wait --json: exit 0 once synced, scored and written back', async () => {
    const r = await runCli('sync', '--tenant', tenantId, '--full', '--wait', '--json');
    expect(r.code).toBe(0);
    const run = JSON.parse(r.out);
    expect(run).toMatchObject({ kind: 'full', status: 'done', error: null });
    expect(run.progress).toMatchObject({ stage: 'done', partners: 15 });
    // Progress goes to stderr; which intermediate states a poll sees depends on timing,
    // the last line is always the final state.
    expect(r.err.trim().split('\n').at(-1)).toMatch(new RegExp(`^${run.runId} full: done`));
  }, 120_000);

  it('recalc --wait --json: the current period re-scored in one pass, nothing changed, nothing written', async () => {
    const r = await runCli('recalc', '--tenant', tenantId, '--wait', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      kind: 'recalc',
      status: 'done',
      progress: { changed: 0, written: 0, writeCalls: 0 },
    });
  }, 120_000);

  it('sync --full --wait: exit 1 with the reason when the CRM refuses', async () => {
    await fetch(`${sb.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 400,
        code: 'INVALID_DATA',
        message: 'refused by the test',
        count: 1000,
      }),
    });
    const r = await runCli('sync', '--tenant', tenantId, '--full', '--wait', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('refused by the test'),
    });
    expect(r.err).toMatch(/full run r_\w+ failed: .*refused by the test/);
  }, 120_000);

  it('recalc refuses a malformed period with a usage error (exit 2)', async () => {
    const bad = await runCli('recalc', '--tenant', tenantId, '--period', 'Q1', '--wait');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--period must be a period');
  });
});
