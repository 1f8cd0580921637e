// Plan text → validated plan through the core's parsePlan (contract v1): every
// problem with its path and, for text, its line.
import { type PlanProblem, parsePlan } from '../core/index.js';

export type PlanFormat = 'yaml' | 'json';

export function detectFormat(source: string): PlanFormat {
  return /^\s*[{[]/.test(source) ? 'json' : 'yaml';
}

export function parsePlanSource(
  source: string,
  format: PlanFormat = detectFormat(source),
):
  | { ok: true; plan: unknown; format: PlanFormat }
  | { ok: false; problems: PlanProblem[]; format: PlanFormat } {
  // YAML is a superset of JSON: the core parses both from text and keeps line numbers.
  const r = parsePlan(source);
  return r.ok ? { ok: true, plan: r.plan, format } : { ok: false, problems: r.problems, format };
}
