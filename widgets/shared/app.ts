// The widget controller: skeleton → load → view (or error with retry); period changes reload;
// what-if ticks recompute in the browser with the core and update one live region only.
import { pickLocale } from './i18n.js';
import type { Locale, WidgetData, WidgetPayload } from './types.js';
import { WidgetDataError } from './types.js';
import { renderError, renderSkeleton, renderView, renderWhatIfOutcome, type ViewHandlers } from './view.js';
import { normalizeAmount, runWhatIf } from './whatif.js';

export interface MountOptions {
  root: HTMLElement;
  data: WidgetData;
  locale?: Locale;
  /** Called after every render (hosts resize their frame here). */
  onRender?: (state: 'loading' | 'ready' | 'error') => void;
}

export interface MountedWidget {
  /** Shows the partner (again): every CRM PageLoad calls this. */
  show(partnerId: string, period?: string): Promise<void>;
  readonly locale: Locale;
}

export function mountWidget(options: MountOptions): MountedWidget {
  const { root, data } = options;
  const locale = options.locale ?? pickLocale(navigator.language);
  document.documentElement.lang = locale;
  let ticket = 0;
  let partnerId = '';
  let payload: WidgetPayload | null = null;

  const handlers: ViewHandlers = {
    onPeriod: (period) => void show(partnerId, period),
    onRetry: () => void show(partnerId, payload?.period),
    onWhatIf: (dealIds, typed) => {
      if (!payload) return;
      const region = root.querySelector<HTMLElement>('#ci-whatif-out');
      const amountInput = root.querySelector<HTMLInputElement>('#ci-whatif-amount');
      if (!region) return;
      const amount = typed ? normalizeAmount(typed) : null;
      amountInput?.setAttribute('aria-invalid', typed && !amount ? 'true' : 'false');
      try {
        renderWhatIfOutcome(region, payload, locale, runWhatIf(payload, dealIds, amount), null);
      } catch (error) {
        renderWhatIfOutcome(region, payload, locale, null, (error as Error).message);
      }
      options.onRender?.('ready');
    },
  };

  async function show(id: string, period?: string): Promise<void> {
    const mine = ++ticket;
    partnerId = id;
    root.replaceChildren(renderSkeleton(locale));
    options.onRender?.('loading');
    try {
      const loaded = await data.load(id, period);
      if (mine !== ticket) return; // a newer PageLoad or period change won
      payload = loaded;
      root.replaceChildren(renderView(loaded, locale, handlers, loaded.degraded === true));
      options.onRender?.('ready');
    } catch (error) {
      if (mine !== ticket) return;
      const reason = error instanceof WidgetDataError ? error.reason : 'unreachable';
      console.error('[channel-incentives widget]', error);
      root.replaceChildren(renderError(locale, reason, handlers));
      options.onRender?.('error');
    }
  }

  return { show, locale };
}
