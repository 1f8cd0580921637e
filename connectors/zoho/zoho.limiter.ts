// Per-tenant concurrency limits (fact sheet §6.2): the edition's limit for all calls,
// and 10 for heavy ones (COQL, search, updates of more than 10 records). Heavy calls
// take the heavy slot first, then a general one, always in that order.
import { EDITION_CONCURRENCY, HEAVY_CONCURRENCY, type ZohoEdition } from './zoho.settings.js';

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active < this.size) {
      this.active++;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  get inUse(): number {
    return this.active;
  }
}

export class ZohoLimiter {
  readonly all: Semaphore;
  readonly heavy: Semaphore;
  constructor(readonly concurrency: number) {
    this.all = new Semaphore(concurrency);
    this.heavy = new Semaphore(Math.min(HEAVY_CONCURRENCY, concurrency));
  }

  async run<T>(heavy: boolean, fn: () => Promise<T>): Promise<T> {
    const releaseHeavy = heavy ? await this.heavy.acquire() : null;
    const release = await this.all.acquire();
    try {
      return await fn();
    } finally {
      release();
      releaseHeavy?.();
    }
  }
}

// One limiter per tenant in this process, shared by every connector instance of
// that tenant (jobs may build several). Keyed by tenant: never shared across tenants.
const limiters = new Map<string, ZohoLimiter>();

export function limiterFor(tenantId: string, edition: ZohoEdition): ZohoLimiter {
  const concurrency = EDITION_CONCURRENCY[edition];
  let l = limiters.get(tenantId);
  if (!l || l.concurrency !== concurrency) {
    l = new ZohoLimiter(concurrency);
    limiters.set(tenantId, l);
  }
  return l;
}
