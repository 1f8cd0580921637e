// Demo payloads built with the real core from the repository's examples (plus demo history).

import { DEMO_NOW, loadDemo } from '../../widgets/dev/demo-data.js';
import { buildPayload } from '../../widgets/shared/fixture.data.js';
import type { WidgetPayload } from '../../widgets/shared/types.js';

export const demo = loadDemo();

export function payloadFor(partnerId: string, period?: string): WidgetPayload {
  return buildPayload(demo.plan, demo.input, { partnerId, period, now: DEMO_NOW });
}
