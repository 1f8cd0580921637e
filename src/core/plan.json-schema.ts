// The plan format as JSON Schema (draft 2020-12), so editors can autocomplete and
// check plans. Cross-field rules (plan.rules.ts) are not expressible here; the
// `plan validate` command checks those.
import { z } from 'zod';
import { PlanSchema } from './plan.schema.js';

export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PlanSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/channel-incentives/channel-incentives/schemas/plan.schema.json',
    title: 'channel-incentives plan (contract v1)',
    description:
      'An incentive plan: targets, metrics, gates, tiers, payout and awards. See docs/incentive-model.md. Cross-field rules are checked by `channel-incentives plan validate`.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
