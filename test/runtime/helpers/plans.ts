// Valid plans for runtime tests: the shipped example, renamed, as YAML or JSON.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const example = readFileSync(new URL('../../../examples/plan.yaml', import.meta.url), 'utf8');

export function planYaml(name = 'Test plan'): string {
  return example.replace(/^name: .*$/m, `name: ${name}`);
}

export function planJson(name = 'Test plan'): string {
  return JSON.stringify({ ...parse(example), name });
}
