// Small pieces every view section shares: handler types, the plan for display, a card frame.
import { h } from './dom.js';
import type { PlanView, WidgetPayload } from './types.js';

export interface ViewHandlers {
  onPeriod(period: string): void;
  onWhatIf(dealIds: string[], typed: string): void;
  onRetry(): void;
}

/** The plan for display (null when only the CRM's stored result is at hand). */
export function planOf(p: WidgetPayload): PlanView | null {
  return p.plan;
}

export function tierClass(tier: string): string {
  return `tier-${tier.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

export function card(title: string, body: (HTMLElement | null)[], extra = ''): HTMLElement {
  return h('section', { class: `card ${extra}`.trim() }, h('h2', { class: 'card-title' }, title), body);
}
