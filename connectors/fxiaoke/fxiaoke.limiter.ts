// Per-endpoint sliding-window limiter (fact sheet §3.3: each interface is limited on its own,
// 60 calls / 20 s is the safe floor). One instance per tenant connector; the job layer's own
// per-tenant limiter reads the same numbers from `limits.rate`.
export interface RateLimit {
  calls: number;
  perMs: number;
}

export class EndpointLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly limitFor: (key: string) => RateLimit,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Waits until `key` has a free slot in its window, then takes it. */
  async acquire(key: string): Promise<void> {
    const limit = this.limitFor(key);
    for (;;) {
      const now = this.clock();
      const w = (this.windows.get(key) ?? []).filter((t) => t > now - limit.perMs);
      if (w.length < limit.calls) {
        w.push(now);
        this.windows.set(key, w);
        return;
      }
      this.windows.set(key, w);
      await this.sleep(Math.max(1, w[0]! + limit.perMs - now));
    }
  }

  /** Calls taken in the current window (for tests and metrics). */
  inWindow(key: string): number {
    const now = this.clock();
    const limit = this.limitFor(key);
    return (this.windows.get(key) ?? []).filter((t) => t > now - limit.perMs).length;
  }
}
