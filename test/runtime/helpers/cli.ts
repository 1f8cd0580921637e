import { main } from '../../../src/cli.js';

/** Runs a CLI command in-process, capturing stdout and stderr. */
export async function runCli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (t) => {
      out.push(t);
    },
    err: (t) => {
      err.push(t);
    },
  });
  return { code, out: out.join(''), err: err.join('') };
}
