// bench/results.md from one `npm run bench`: the machine, then per benchmark the
// command that produced its figures, how it ended, and each figure with its goal and
// whether it was met. Pure: bench/run-all.ts gathers the inputs.
import { type Figure, verdict } from './figures.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: [number, number, number];
  platform: string;
}

export interface BenchRun {
  bench: string;
  command: string;
  exitCode: number | null;
  seconds: number;
  figures: Figure[];
}

export interface ResultsInput {
  date: string;
  quick: boolean;
  commit: string | null;
  machine: Machine;
  runs: BenchRun[];
  note?: string;
}

/** Markdown table cells: pipes escaped, no line breaks. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function resultsMarkdown(r: ResultsInput): string {
  const m = r.machine;
  const goals = r.runs.flatMap((x) => x.figures).filter((f) => f.met !== null);
  const missed = goals.filter((f) => f.met === false).length;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${r.quick ? ' -- --quick' : ''}\` on ${r.date}${r.commit ? ` at commit ${r.commit}` : ''}.` +
      (r.quick ? ' **Quick mode: small sizes, a smoke run — not the figures the goals are about.**' : ''),
    'What the figures mean and how they were taken: docs/performance.md.',
    '',
    `Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}; ` +
      `load average at start ${m.loadAverage.map((n) => n.toFixed(2)).join(' / ')} (1 / 5 / 15 min).`,
    ...(r.note ? ['', r.note] : []),
    '',
    `Goals: ${goals.length - missed} of ${goals.length} met.`,
  ];
  for (const run of r.runs) {
    const ended = run.exitCode === 0 ? 'finished' : `FAILED (exit ${run.exitCode ?? 'signal'})`;
    lines.push(
      '',
      `## ${run.bench}`,
      '',
      `\`${run.command}\` — ${ended} in ${run.seconds.toFixed(0)} s.`,
      '',
    );
    if (run.figures.length === 0) {
      lines.push('No figures recorded.');
      continue;
    }
    lines.push('| figure | value | goal | met |', '| --- | --- | --- | --- |');
    for (const f of run.figures) {
      lines.push(
        `| ${cell(f.name)} | ${cell(f.value)} | ${f.goal ? cell(f.goal) : '—'} | ${verdict(f.met)} |`,
      );
    }
    const setups = [...new Set(run.figures.flatMap((f) => (f.setup ? [f.setup] : [])))];
    if (setups.length > 0) lines.push('', 'Setup:', '', ...setups.map((s) => `- ${s}`));
  }
  return `${lines.join('\n')}\n`;
}
