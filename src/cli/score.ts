import type { Command } from '../cli.js';
import { score } from '../core/index.js';
import { nodeSha256 } from '../lib/sha256.js';
import { parseCommandArgs, required } from './args.js';
import { loadInput, loadPlan } from './files.js';
import { runCommand } from './run.js';

const HELP = `usage: channel-incentives score --plan PLAN --input DATA --period PERIOD [--computed-at ISO]

Scores every partner in DATA (normalized JSON) for PERIOD under PLAN (YAML or JSON)
and prints the results document as JSON on stdout.

  --plan PLAN          plan file (YAML or JSON)
  --input DATA         normalized input: { partners, accounts, deals, rates, statements }
  --period PERIOD      period key of the plan's type: 2027-Q1, 2027-H2, 2027-03 or 2027
  --computed-at ISO    timestamp to stamp on the results (default: now)

Exit codes: 0 scored; 1 bad plan or input; 2 bad usage.
`;

export const command: Command = {
  summary: 'score every partner for one period (prints results JSON)',
  run: (argv, io) =>
    runCommand(io, async () => {
      const { values } = parseCommandArgs('score', argv, {
        plan: { type: 'string' },
        input: { type: 'string' },
        period: { type: 'string' },
        'computed-at': { type: 'string' },
      });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      required('score', values, ['plan', 'input', 'period']);
      const plan = await loadPlan(values.plan!);
      const input = await loadInput(values.input!);
      const doc = score(plan, input, {
        period: values.period!,
        computedAt: values['computed-at'] ?? new Date().toISOString(),
        sha256: nodeSha256,
      });
      io.out(`${JSON.stringify(doc, null, 2)}\n`);
      return 0;
    }),
};
