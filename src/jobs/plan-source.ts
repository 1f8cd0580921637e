// Plan text → validated plan, through the core's parsePlan (contract v1). Until the
// core's implementation is present this falls back to syntax-only checks, so the
// runtime can store versions; the core's full validation takes over automatically.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { PlanParseResult, PlanProblem } from '../core/index.js';
import * as core from '../core/index.js';

export type PlanFormat = 'yaml' | 'json';

type ParsePlan = (source: string | unknown, opts?: { format?: PlanFormat }) => PlanParseResult<unknown>;

const coreParsePlan = (core as unknown as { parsePlan?: ParsePlan }).parsePlan;

export function detectFormat(source: string): PlanFormat {
  return /^\s*[{[]/.test(source) ? 'json' : 'yaml';
}

export function parsePlanSource(
  source: string,
  format: PlanFormat = detectFormat(source),
):
  | { ok: true; plan: unknown; format: PlanFormat }
  | { ok: false; problems: PlanProblem[]; format: PlanFormat } {
  if (coreParsePlan) {
    const r = coreParsePlan(source, { format });
    return r.ok ? { ok: true, plan: r.plan, format } : { ok: false, problems: r.problems, format };
  }
  let doc: unknown;
  try {
    doc = format === 'json' ? JSON.parse(source) : parseYaml(source);
  } catch (err) {
    const line = err instanceof YAMLParseError ? err.linePos?.[0]?.line : undefined;
    return {
      ok: false,
      format,
      problems: [
        { path: '(document)', message: (err as Error).message.split('\n')[0]!, ...(line ? { line } : {}) },
      ],
    };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return {
      ok: false,
      format,
      problems: [{ path: '(document)', message: 'a plan must be a mapping (object)' }],
    };
  }
  return { ok: true, plan: doc, format };
}
