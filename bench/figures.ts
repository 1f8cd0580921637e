// A benchmark's headline figures: printed with their goal and whether it was met, and
// — when `npm run bench` runs the benchmark — appended as JSON lines to the file named
// by BENCH_FIGURES, from which bench/results.md is written (bench/results-md.ts).
import { appendFileSync } from 'node:fs';

export interface Figure {
  /** The benchmark (core, zoho, acceptance, pipeline). */
  bench: string;
  name: string;
  value: string;
  /** The goal in words ("< 50 ms"), or null when the figure has none. */
  goal: string | null;
  met: boolean | null;
  /** How the figure was taken (processes, sizes, latency), when the name does not say it. */
  setup?: string;
}

export const verdict = (met: boolean | null) => (met === null ? '—' : met ? 'met' : 'NOT met');

/** Records the figure for bench/results.md (when run by `npm run bench`). */
export function recordFigure(f: Figure): void {
  const file = process.env.BENCH_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(f)}\n`);
}

/** Prints the figure with its goal and records it. */
export function reportFigure(f: Figure): void {
  const goal = f.goal ? `  (goal ${f.goal}: ${verdict(f.met)})` : '';
  console.log(`${f.name}: ${f.value}${goal}`);
  recordFigure(f);
}
