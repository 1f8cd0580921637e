// The command line as the contract fixes it (docs/incentive-model.md §5): main(argv, io)
// with a capturing io, real files in a temporary folder, exit codes 0/1/2.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';

const PLAN = 'examples/plan.yaml';
const DATA = 'examples/data.json';
const dir = mkdtempSync(join(tmpdir(), 'ci-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const THREE_MISTAKES = `id: broken
name: Broken plan
version: 1
currency: CNY
timezone: Asia/Shanghai
period: { type: quarter }
metrics:
  - { key: revenue, kind: wonAmount, weight: 0 }
gates:
  - { metric: csat, min: 4, effect: noPayout }
tiers:
  levels:
    - { name: Registered, min: 0, rate: "0" }
    - { name: Silver, min: 60, rate: "0.02" }
    - { name: Gold, min: 50, rate: "0.04" }
payout: { base: revenue }
`;

describe('score', () => {
  it('prints the documented results document as one JSON document (exit 0)', async () => {
    const { code, out, err } = await run(
      'score',
      '--plan',
      PLAN,
      '--input',
      DATA,
      '--period',
      '2027-Q1',
      '--computed-at',
      '2027-04-02T00:00:00Z',
    );
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual([
      'planId',
      'planVersion',
      'period',
      'currency',
      'computedAt',
      'results',
      'errors',
    ]);
    expect(doc).toMatchObject({
      planId: 'channel-2027',
      planVersion: 1,
      period: '2027-Q1',
      currency: 'CNY',
      computedAt: '2027-04-02T00:00:00Z',
    });
    expect(doc.errors).toEqual([{ type: 'deal', id: 'D9', reason: 'no exchange rate for EUR' }]);
    const p1 = doc.results[0];
    for (const key of [
      'partnerId',
      'score',
      'tier',
      'metrics',
      'gatesFailed',
      'payout',
      'awards',
      'rank',
      'nextTier',
      'feedback',
      'explain',
      'inputsHash',
    ]) {
      expect(p1, key).toHaveProperty(key);
    }
    expect(Object.keys(p1.metrics.revenue)).toEqual(
      expect.arrayContaining(['actual', 'target', 'attainment', 'weight', 'points']),
    );
    expect(Object.keys(p1.payout)).toEqual(
      expect.arrayContaining(['base', 'tierBonus', 'bonuses', 'adjustments', 'total']),
    );
    expect(Object.keys(p1.rank)).toEqual(expect.arrayContaining(['overall', 'within']));
    expect(Object.keys(p1.nextTier)).toEqual(['name', 'scoreGap', 'byMetric']);
    expect(Object.keys(p1.feedback)).toEqual(['strengths', 'improvements']);
    expect(p1).toMatchObject({ partnerId: 'P1', score: 99.92, tier: 'Gold', payout: { total: '62720.00' } });
    expect(p1.inputsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stamps the current time when --computed-at is not given', async () => {
    const { code, out } = await run('score', '--plan', PLAN, '--input', DATA, '--period', '2027-Q1');
    expect(code).toBe(0);
    expect(Number.isNaN(Date.parse(JSON.parse(out).computedAt))).toBe(false);
  });

  it.each([
    [['--plan', PLAN, '--input', DATA], 'missing --period'],
    [['--input', DATA, '--period', '2027-Q1'], 'missing --plan'],
    [
      ['--plan', PLAN, '--input', DATA, '--period', '2027-Q1', '--quarter', 'x'],
      "Unknown option '--quarter'",
    ],
    [
      ['--plan', PLAN, '--input', DATA, '--period', '2027-03'],
      'period "2027-03" does not name a quarter of this plan',
    ],
    [['--plan', PLAN, '--input', DATA, '--period', '2027-Q1', 'extra'], 'extra'],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const { code, out, err } = await run('score', ...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
  });

  it('exits 1 with a readable message for a missing file', async () => {
    const missingPlan = await run(
      'score',
      '--plan',
      join(dir, 'nope.yaml'),
      '--input',
      DATA,
      '--period',
      '2027-Q1',
    );
    expect(missingPlan.code).toBe(1);
    expect(missingPlan.err).toBe(`cannot read plan "${join(dir, 'nope.yaml')}": no such file\n`);
    const missingInput = await run(
      'score',
      '--plan',
      PLAN,
      '--input',
      join(dir, 'nope.json'),
      '--period',
      '2027-Q1',
    );
    expect(missingInput.code).toBe(1);
    expect(missingInput.err).toBe(`cannot read input "${join(dir, 'nope.json')}": no such file\n`);
    expect(missingInput.out).toBe('');
  });

  it('exits 1 for an invalid plan, input that is not JSON, and input that is not an object', async () => {
    const badPlan = await run(
      'score',
      '--plan',
      file('bad.yaml', THREE_MISTAKES),
      '--input',
      DATA,
      '--period',
      '2027-Q1',
    );
    expect(badPlan.code).toBe(1);
    expect(badPlan.err).toContain('tiers.levels[2].min: must be greater than levels[1].min');
    const notJson = await run(
      'score',
      '--plan',
      PLAN,
      '--input',
      file('bad.json', '{ "partners": ['),
      '--period',
      '2027-Q1',
    );
    expect(notJson.code).toBe(1);
    expect(notJson.err).toMatch(/^input ".*bad\.json" is not valid JSON: /);
    const notObject = await run(
      'score',
      '--plan',
      PLAN,
      '--input',
      file('list.json', '[]'),
      '--period',
      '2027-Q1',
    );
    expect(notObject.code).toBe(1);
    expect(notObject.err).toBe(
      'channel-incentives: bad input: input must be a JSON object with partners, accounts and deals\n',
    );
  });
});

describe('plan validate', () => {
  it('exits 0 for a valid plan', async () => {
    expect(await run('plan', 'validate', PLAN)).toEqual({
      code: 0,
      out: `${PLAN}: valid (channel-2027 version 1)\n`,
      err: '',
    });
  });

  it('reports all three different mistakes with their paths and lines, and exits 1', async () => {
    const path = file('three.yaml', THREE_MISTAKES);
    const { code, out, err } = await run('plan', 'validate', path);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      [
        `${path}:8: metrics[0].weight: must be greater than 0`,
        `${path}:10: gates[0].metric: unknown metric "csat" (metrics are: revenue)`,
        `${path}:15: tiers.levels[2].min: must be greater than levels[1].min`,
        `${path}: 3 problems`,
        '',
      ].join('\n'),
    );
  });

  it('reports the three mistakes of the shipped examples/plan-with-mistakes.yaml', async () => {
    const { code, err } = await run('plan', 'validate', 'examples/plan-with-mistakes.yaml');
    expect(code).toBe(1);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^examples\/plan-with-mistakes\.yaml:\d+: metrics\[1\]\.weight: must be greater than 0$/,
    );
    expect(lines[1]).toMatch(
      /^examples\/plan-with-mistakes\.yaml:\d+: gates\[0\]\.metric: unknown metric "satisfaction"/,
    );
    expect(lines[2]).toMatch(
      /^examples\/plan-with-mistakes\.yaml:\d+: tiers\.levels\[2\]\.min: must be greater than levels\[1\]\.min$/,
    );
    expect(lines[3]).toBe('examples/plan-with-mistakes.yaml: 3 problems');
  });

  it('prints the problems as JSON with --json', async () => {
    const { code, out } = await run('plan', 'validate', file('three-json.yaml', THREE_MISTAKES), '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      valid: false,
      problems: [
        { path: 'metrics[0].weight', message: 'must be greater than 0', line: 8 },
        { path: 'gates[0].metric', message: 'unknown metric "csat" (metrics are: revenue)', line: 10 },
        { path: 'tiers.levels[2].min', message: 'must be greater than levels[1].min', line: 15 },
      ],
    });
    expect(JSON.parse((await run('plan', 'validate', PLAN, '--json')).out)).toEqual({
      valid: true,
      problems: [],
    });
  });

  it('exits 1 for a missing file and 2 for bad usage', async () => {
    const missing = await run('plan', 'validate', join(dir, 'absent.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read plan');
    expect(missing.err).toContain('absent.yaml');
    expect((await run('plan', 'validate')).code).toBe(2);
    expect((await run('plan', 'validate', PLAN, PLAN)).code).toBe(2);
    const flag = await run('plan', 'validate', PLAN, '--strict');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("Unknown option '--strict'");
  });
});

describe('whatif', () => {
  it('scores a partner as if open deals were won (exit 0)', async () => {
    const { code, out, err } = await run(
      'whatif',
      '--plan',
      PLAN,
      '--input',
      DATA,
      '--period',
      '2027-Q1',
      '--partner',
      'P3',
      '--close',
      'D7',
    );
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out);
    expect(doc.results.map((r: { partnerId: string }) => r.partnerId)).toEqual(['P3']);
    // P3: 350,000 + 400,000 = 750,000 → 0.75 × 50 = 37.5; A6 still one new customer (5), one region (5),
    // csat 3.6 (12) → score 59.5, still Registered.
    expect(doc.whatIf).toEqual({
      partnerId: 'P3',
      closed: ['D7'],
      baseline: { score: 39.5, tier: 'Registered', payout: '0.00' },
      delta: { score: 20, payout: '0.00', tierChanged: false },
    });
  });

  it.each([
    [['--partner', 'P3', '--close', 'D8'], 'deal "D8" is won, not open'],
    [['--partner', 'P3', '--close', 'D11'], 'deal "D11" is not credited to partner "P3"'],
    [['--partner', 'P3', '--close', 'D99'], 'deal "D99" is not in the input'],
    [['--partner', 'P3'], 'missing --close'],
    [['--partner', 'P3', '--close', ' , '], '--close needs at least one deal id'],
  ])('exits 2 for %j', async (args, message) => {
    const { code, err } = await run(
      'whatif',
      '--plan',
      PLAN,
      '--input',
      DATA,
      '--period',
      '2027-Q1',
      ...args,
    );
    expect(code).toBe(2);
    expect(err).toContain(message);
  });
});

describe('help and unknown commands', () => {
  it.each([
    [['score', '--help'], 'usage: channel-incentives score --plan PLAN --input DATA --period PERIOD'],
    [['whatif', '--help'], 'usage: channel-incentives whatif --plan PLAN'],
    [['plan', 'validate', '--help'], 'usage: channel-incentives plan validate PLAN'],
    [['score', '-h'], 'Exit codes: 0 scored; 1 bad plan or input; 2 bad usage.'],
    [['--help'], 'usage: channel-incentives <command> [options]'],
    [[], 'plan validate'],
  ])('%j prints help on stdout and exits 0', async (argv, text) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(text);
  });

  it('exits 2 for an unknown command', async () => {
    const { code, err } = await run('payout');
    expect(code).toBe(2);
    expect(err).toContain('unknown command "payout"');
  });
});
