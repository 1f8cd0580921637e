// npm run schema — writes schemas/plan.schema.json from the zod plan schema.
// A test fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { planJsonSchema } from '../src/core/plan.json-schema.js';

const target = new URL('../schemas/plan.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
