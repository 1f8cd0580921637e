import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../src/core/plan.json-schema.js';

describe('schemas/plan.schema.json', () => {
  it('is what `npm run schema` generates from the zod plan schema (run it after changing the plan format)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../schemas/plan.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(planJsonSchema());
  });
});
