// npm run bench [-- --quick]: every benchmark in sequence (core, zoho, acceptance,
// pipeline), each as its own `npm run bench:*` process with its output passed through
// as progress, then bench/results.md (bench/results-md.ts) with every recorded figure,
// the command that produced it, the machine and the date. --quick runs each at a
// small size (a smoke run of the scripts; its figures say nothing about the goals).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Figure } from './figures.js';
import { type BenchRun, type Machine, resultsMarkdown } from './results-md.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, out: { type: 'string' } },
  strict: true,
});
const quick = values.quick === true;
const root = new URL('../', import.meta.url).pathname;
const out = values.out ?? join(root, 'bench/results.md');

interface Bench {
  bench: string;
  script: string;
  args: string[];
  env: Record<string, string>;
}

const BENCHES: Bench[] = [
  {
    bench: 'core',
    script: 'bench:core',
    args: [],
    env: quick ? { BENCH_PARTNERS: '1000', BENCH_DEALS: '50000' } : {},
  },
  {
    bench: 'zoho',
    script: 'bench:zoho',
    args: [],
    env: quick ? { BENCH_PARTNERS: '200', BENCH_DEALS: '5000' } : {},
  },
  {
    bench: 'acceptance',
    script: 'bench:acceptance',
    args: [],
    env: quick ? { BENCH_PARTNERS: '50', BENCH_DEALS: '1000' } : {},
  },
  { bench: 'pipeline', script: 'bench:pipeline', args: quick ? ['--quick'] : [], env: {} },
];

const commandOf = (b: Bench) =>
  [
    ...Object.entries(b.env).map(([k, v]) => `${k}=${v}`),
    'npm run',
    b.script,
    ...(b.args.length ? ['--', ...b.args] : []),
  ].join(' ');

const machine: Machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: loadavg() as [number, number, number],
  platform: `${platform()} ${release()}`,
};
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
let commit: string | null = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (dirty.trim()) commit += ' (with uncommitted changes)';
} catch {
  // Not a git checkout: the results say so by leaving the commit out.
}

const say = (line: string) => process.stderr.write(`${line}\n`);
say(
  `npm run bench${quick ? ' (quick)' : ''}: ${BENCHES.length} benchmarks on ${machine.cores} × ${machine.cpu}, load ${machine.loadAverage.map((n) => n.toFixed(2)).join(' ')}`,
);

const dir = mkdtempSync(join(tmpdir(), 'ci-bench-'));
const runs: BenchRun[] = [];
try {
  for (const [i, b] of BENCHES.entries()) {
    const file = join(dir, `${b.bench}.jsonl`);
    writeFileSync(file, '');
    say(`\n[${i + 1}/${BENCHES.length}] ${commandOf(b)}`);
    const started = performance.now();
    const child = spawn('npm', ['run', '--silent', b.script, ...(b.args.length ? ['--', ...b.args] : [])], {
      cwd: root,
      env: { ...process.env, ...b.env, BENCH_FIGURES: file },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exitCode = await new Promise<number | null>((r) => child.once('exit', r));
    const seconds = (performance.now() - started) / 1000;
    const figures = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Figure);
    runs.push({ bench: b.bench, command: commandOf(b), exitCode, seconds, figures });
    say(
      `[${i + 1}/${BENCHES.length}] ${b.bench}: ${exitCode === 0 ? 'done' : `FAILED (exit ${exitCode})`} in ${seconds.toFixed(0)} s, ${figures.length} figures`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

writeFileSync(out, resultsMarkdown({ date, quick, commit, machine, runs }));
// biome formats Markdown tables: write them as it would, so the file can be committed as is.
try {
  execFileSync('npx', ['biome', 'format', '--write', out], { cwd: root, stdio: 'ignore' });
} catch {
  say('(biome could not format the results; the content is unchanged)');
}
const goals = runs.flatMap((r) => r.figures).filter((f) => f.met !== null);
say(
  `\nwrote ${out}: ${goals.filter((f) => f.met).length} of ${goals.length} goals met; ` +
    `${runs.filter((r) => r.exitCode !== 0).length} benchmark(s) failed`,
);
process.exit(runs.every((r) => r.exitCode === 0) ? 0 : 1);
