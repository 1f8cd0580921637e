// Reading the plan and input files named on the command line, with errors that say
// which file and what is wrong with it.
import { readFile } from 'node:fs/promises';
import { type Plan, type PlanProblem, parsePlan } from '../core/index.js';

export class CliError extends Error {
  constructor(
    message: string,
    /** 1: bad plan or input; 2: bad usage. */
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(err);
    throw new CliError(`cannot read ${what} "${path}": ${why}`, 1);
  }
}

export function formatProblems(file: string, problems: PlanProblem[]): string {
  return problems
    .map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
    .join('\n');
}

export async function loadPlan(path: string): Promise<Plan> {
  const parsed = parsePlan(await readText(path, 'plan'));
  if (!parsed.ok) {
    const n = parsed.problems.length;
    throw new CliError(
      `${formatProblems(path, parsed.problems)}\n${path}: ${n} problem${n > 1 ? 's' : ''}`,
      1,
    );
  }
  return parsed.plan;
}

export async function loadInput(path: string): Promise<unknown> {
  const text = await readText(path, 'input');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`input "${path}" is not valid JSON: ${(err as Error).message}`, 1);
  }
}
