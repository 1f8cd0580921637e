// `npm run demo` only: the host page's "close a deal" button. The demo's CRM origin closes
// one of the partner's open deals in the sandbox and answers once our write-back has
// changed the partner's fields (scripts/demo.ts); the page then re-renders the widget.

export interface CloseOutcome {
  closed: string | null;
  name?: string;
  reason?: string;
  fieldsChangedAfterMs?: number | null;
}

export interface CloseTexts {
  working: string;
  nothing: string;
  done(outcome: CloseOutcome): string;
}

export function offerCloseDeal(
  crm: 'zoho' | 'fxiaoke',
  recordId: () => string,
  texts: CloseTexts,
  rerender: () => void | Promise<void>,
): void {
  const button = document.getElementById('close-deal') as HTMLButtonElement;
  const status = document.getElementById('close-status')!;
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = texts.working;
    try {
      const r = (await fetch(`/demo/close/${crm}/${encodeURIComponent(recordId())}`, { method: 'POST' }).then(
        (x) => x.json(),
      )) as CloseOutcome;
      if (!r.closed) status.textContent = r.reason ?? texts.nothing;
      else {
        status.textContent = texts.done(r);
        await rerender();
      }
    } finally {
      button.disabled = false;
    }
  });
}
