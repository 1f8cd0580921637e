import { readFile } from 'node:fs/promises';
import type { Command } from '../cli.js';
import { parsePlan } from '../core/index.js';
import { parseCommandArgs } from './args.js';
import { CliError, formatProblems } from './files.js';
import { runCommand } from './run.js';

const HELP = `usage: channel-incentives plan validate PLAN [--json]

Checks a plan (YAML or JSON) against the plan format and its cross-field rules.
Prints every problem with its path and line, e.g.
  plan.yaml:29: tiers.levels[3].min: must be greater than levels[2].min

  --json    print { "valid": bool, "problems": [{ path, message, line }] } on stdout

Exit codes: 0 valid; 1 invalid; 2 bad usage.
`;

export const command: Command = {
  summary: 'check a plan file and report every problem with its path',
  run: (argv, io) =>
    runCommand(io, async () => {
      const { values, positionals } = parseCommandArgs(
        'plan validate',
        argv,
        { json: { type: 'boolean' } },
        true,
      );
      if (values.help) {
        io.out(HELP);
        return 0;
      }
      if (positionals.length !== 1) {
        throw new CliError(
          'plan validate: name exactly one plan file\nRun "channel-incentives plan validate --help" for usage.',
          2,
        );
      }
      const file = positionals[0]!;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read plan "${file}": ${(err as NodeJS.ErrnoException).code ?? err}`, 1);
      }
      const parsed = parsePlan(text);
      if (values.json) {
        io.out(
          `${JSON.stringify(parsed.ok ? { valid: true, problems: [] } : { valid: false, problems: parsed.problems })}\n`,
        );
        return parsed.ok ? 0 : 1;
      }
      if (parsed.ok) {
        io.out(`${file}: valid (${parsed.plan.id} version ${parsed.plan.version})\n`);
        return 0;
      }
      const n = parsed.problems.length;
      io.err(`${formatProblems(file, parsed.problems)}\n${file}: ${n} problem${n > 1 ? 's' : ''}\n`);
      return 1;
    }),
};
