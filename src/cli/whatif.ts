import type { Command } from '../cli.js';
import { whatIf } from '../core/index.js';
import { nodeSha256 } from '../lib/sha256.js';
import { parseCommandArgs, required } from './args.js';
import { CliError, loadInput, loadPlan } from './files.js';
import { runCommand } from './run.js';

const HELP = `usage: channel-incentives whatif --plan PLAN --input DATA --period PERIOD --partner ID --close D7,D8

Scores PARTNER as if the listed open deals were won inside PERIOD (at its last
instant) and prints that partner's result, with the baseline and the change, as JSON.

  --plan PLAN          plan file (YAML or JSON)
  --input DATA         normalized input JSON
  --period PERIOD      period key: 2027-Q1, 2027-H2, 2027-03 or 2027
  --partner ID         the partner whose open deals close
  --close IDS          comma-separated open deal ids credited to that partner
  --computed-at ISO    timestamp to stamp on the results (default: now)

Exit codes: 0 scored; 1 bad plan or input; 2 bad usage (unknown deal, deal not open, ...).
`;

export const command: Command = {
  summary: 'score one partner as if some open deals were won',
  run: (argv, io) =>
    runCommand(io, async () => {
      const { values } = parseCommandArgs('whatif', argv, {
        plan: { type: 'string' },
        input: { type: 'string' },
        period: { type: 'string' },
        partner: { type: 'string' },
        close: { type: 'string' },
        'computed-at': { type: 'string' },
      });
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      required('whatif', values, ['plan', 'input', 'period', 'partner', 'close']);
      const close = values
        .close!.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (close.length === 0) throw new CliError('whatif: --close needs at least one deal id', 2);
      const plan = await loadPlan(values.plan!);
      const input = await loadInput(values.input!);
      const doc = whatIf(plan, input, {
        period: values.period!,
        partnerId: values.partner!,
        close,
        computedAt: values['computed-at'] ?? new Date().toISOString(),
        sha256: nodeSha256,
      });
      io.out(`${JSON.stringify(doc, null, 2)}\n`);
      return 0;
    }),
};
