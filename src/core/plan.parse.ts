// Turns plan text (YAML or JSON) or an already-parsed object into a validated Plan,
// or into every problem found, each with its exact path and (for text) its line.
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkPlanRules } from './plan.rules.js';
import { type Plan, PlanSchema } from './plan.schema.js';

export interface PlanProblem {
  /** `tiers.levels[2].min`; empty for the document as a whole. */
  path: string;
  message: string;
  /** 1-based line in the plan text, when the plan came as text. */
  line?: number;
}

export type PlanParseResult = { ok: true; plan: Plan } | { ok: false; problems: PlanProblem[] };

/** `['tiers', 'levels', 2, 'min']` → `tiers.levels[2].min`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Plain-language messages for zod's generic issues (others carry our own wording). */
function messageOf(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `must be ${issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'a list' : issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}, not ${describeType(input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      // Report the branch that got furthest; for a missing discriminator, say which are allowed.
      if ('note' in issue && issue.note === 'No matching discriminator') {
        const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : input;
        return `unknown kind ${JSON.stringify(kind) ?? '(missing)'}: must be one of wonAmount, wonCount, newCustomers, distinctAccounts, averageDeal, partnerAttribute`;
      }
      const branches = issue.errors.map((branch) => branch.map((i) => i.message));
      const first = branches.find((b) => b.length === 1)?.[0];
      return first ?? issue.message;
    }
    default:
      return issue.message;
  }
}

/** Among union branches that failed on exactly one issue, the issue deepest in the value. */
function deepestSingle(branches: z.core.$ZodIssue[][]): z.core.$ZodIssue | null {
  let best: z.core.$ZodIssue | null = null;
  for (const branch of branches) {
    const only = branch.length === 1 ? branch[0]! : null;
    if (only && only.path.length > 0 && (!best || only.path.length > best.path.length)) best = only;
  }
  return best;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part as string];
  }
  return node;
}

function validate(data: unknown): PlanProblem[] | Plan {
  const problems: PlanProblem[] = [];
  const parsed = PlanSchema.safeParse(data, {
    error: (issue) => messageOf(issue as z.core.$ZodIssue, issue.input),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        // One problem per stray key, pointing at the key itself (typos are the usual cause).
        for (const key of issue.keys)
          problems.push({ path: formatPath([...issue.path, key]), message: 'unknown key' });
      } else {
        // A union (condition, gate effect, basis) fails as a whole; point at the field inside
        // it that is wrong (`awards[0].when.rank.top`), taken from the branch that got furthest.
        const inner =
          issue.code === 'invalid_union' && !('note' in issue) ? deepestSingle(issue.errors) : null;
        const path = inner ? [...issue.path, ...inner.path] : issue.path;
        problems.push({ path: formatPath(path), message: messageOf(inner ?? issue, valueAt(data, path)) });
      }
    }
  }
  for (const rule of checkPlanRules(data)) {
    problems.push({ path: formatPath(rule.path), message: rule.message });
  }
  if (problems.length > 0 || !parsed.success) return problems;
  return parsed.data;
}

function dedupe(problems: PlanProblem[]): PlanProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Validates a plan. `source` is YAML/JSON text, or a value already parsed from it.
 * Every problem is reported (structural and cross-field), sorted by position.
 */
export function parsePlan(source: unknown): PlanParseResult {
  if (typeof source !== 'string') {
    const result = validate(source);
    return Array.isArray(result) ? { ok: false, problems: dedupe(result) } : { ok: true, plan: result };
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        path: '',
        message: `not valid YAML/JSON: ${e.message.split('\n')[0]}`,
        line: lines.linePos(e.pos[0]).line,
      })),
    };
  }
  let data: unknown;
  try {
    // Throws on an alias before its anchor and on alias bombs (more than 100 expansions).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: `not valid YAML: ${(err as Error).message}` }] };
  }
  const result = validate(data);
  if (!Array.isArray(result)) return { ok: true, plan: result };
  const withLines = result.map((p) => {
    const line = lineOf(doc, lines, p.path);
    return line === undefined ? p : { ...p, line };
  });
  withLines.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.path.localeCompare(b.path));
  return { ok: false, problems: dedupe(withLines) };
}

/** The line of the deepest node that exists along `path` (a missing key points at its parent). */
function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: string): number | undefined {
  const parts: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[3] !== undefined) parts.push(JSON.parse(`"${m[3]}"`) as string);
    else if (m[1] !== undefined) parts.push(m[1]);
  }
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const part of parts) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      next = pair?.value ?? pair?.key;
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part];
    }
    const range = (next as { range?: [number] } | null | undefined)?.range;
    if (!range) break;
    node = next;
    offset = range[0];
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
