// The writer of bench/results.md on made-up figures (the benchmarks themselves are not
// run by npm test).
import { describe, expect, it } from 'vitest';
import { resultsMarkdown } from '../../bench/results-md.js';

const machine = {
  cpu: 'Test CPU 9000',
  cores: 2,
  memoryGiB: 24,
  node: 'v20.20.2',
  loadAverage: [1.5, 2.25, 3] as [number, number, number],
  platform: 'linux 6.1',
};

describe('bench/results.md writer', () => {
  const md = resultsMarkdown({
    date: '2026-11-27T08:00:00Z',
    quick: false,
    commit: 'abc1234',
    machine,
    runs: [
      {
        bench: 'pipeline',
        command: 'npm run bench:pipeline',
        exitCode: 0,
        seconds: 312.4,
        figures: [
          {
            bench: 'pipeline',
            name: 'push acknowledgement at 2000 pushes/s',
            value: '12.0 ms p99',
            goal: 'p99 < 50 ms',
            met: true,
            setup: 'api | worker processes',
          },
          { bench: 'pipeline', name: 'push-to-write-back', value: '3 s', goal: 'p95 < 2 s', met: false },
          { bench: 'pipeline', name: 'worker peak RSS', value: '300 MB', goal: null, met: null },
        ],
      },
      {
        bench: 'core',
        command: 'BENCH_PARTNERS=10 npm run bench:core',
        exitCode: 1,
        seconds: 2,
        figures: [],
      },
    ],
  });

  it('names the machine, the date, the commit and the load at start', () => {
    expect(md).toContain('on 2026-11-27T08:00:00Z at commit abc1234');
    expect(md).toContain('2 × Test CPU 9000, 24 GiB memory, Node v20.20.2, linux 6.1');
    expect(md).toContain('load average at start 1.50 / 2.25 / 3.00');
  });

  it('gives each benchmark its command and how it ended', () => {
    expect(md).toContain('`npm run bench:pipeline` — finished in 312 s.');
    expect(md).toContain('`BENCH_PARTNERS=10 npm run bench:core` — FAILED (exit 1) in 2 s.');
    expect(md).toContain('No figures recorded.');
  });

  it('lists every figure with its goal and whether it was met, pipes escaped', () => {
    expect(md).toContain('| push acknowledgement at 2000 pushes/s | 12.0 ms p99 | p99 < 50 ms | met |');
    expect(md).toContain('| push-to-write-back | 3 s | p95 < 2 s | NOT met |');
    expect(md).toContain('| worker peak RSS | 300 MB | — | — |');
    expect(md).toContain('Setup:\n\n- api | worker processes');
    expect(md).toContain('Goals: 1 of 2 met.');
  });

  it('marks a quick run as a smoke run', () => {
    const quick = resultsMarkdown({ date: 'd', quick: true, commit: null, machine, runs: [] });
    expect(quick).toContain('`npm run bench -- --quick`');
    expect(quick).toContain('Quick mode');
  });
});
