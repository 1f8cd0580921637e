// The vendor side of push: the encrypted data-change callback (§4.1) POSTed to a registered
// URL when a record changes, and the APL workflow function (manifest/fxiaoke/) that posts
// to our webhook when a deal is won. Deliveries are logged; `idle()` lets tests wait.
import { randomBytes } from 'node:crypto';
import {
  aesDecrypt,
  buildCallbackBody,
  replySignature,
  safeEqual,
  WORKFLOW_SECRET_HEADER,
} from '../fxiaoke.callback.js';

export interface Delivery {
  kind: 'callback' | 'workflow';
  messageId: string;
  apiName: string;
  dataId: string;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  lastError?: string;
}

export interface ChangeNotice {
  apiName: string;
  dataId: string;
  eventType: 'add' | 'update' | 'invalid';
}

export class PushSender {
  callback: { url: string; aesKey: string; enterpriseAccount: string } | null = null;
  workflow: { url: string; secret: string } | null = null;
  readonly deliveries: Delivery[] = [];
  private pending = 0;
  private waiters: (() => void)[] = [];
  private seq = 0;

  constructor(
    private readonly tenantId: number,
    private readonly now: () => number,
    private readonly retryDelayMs = 200,
    private readonly maxAttempts = 3,
  ) {}

  notifyChange(n: ChangeNotice): void {
    const cb = this.callback;
    if (!cb) return;
    this.seq += 1;
    const messageId = `AC${randomBytes(8).toString('hex').toUpperCase()}${this.seq.toString(16).toUpperCase().padStart(15, '0')}`;
    const d: Delivery = {
      kind: 'callback',
      messageId,
      apiName: n.apiName,
      dataId: n.dataId,
      attempts: 0,
      status: 'pending',
    };
    this.deliveries.push(d);
    const event = {
      tenantId: this.tenantId,
      eventType: n.eventType,
      apiName: n.apiName,
      dataId: n.dataId,
      timestamp: this.now(),
      messageId,
    };
    this.track(async () => {
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        d.attempts = attempt;
        const body = buildCallbackBody(event, cb.aesKey, {
          timestamp: this.now(),
          nonce: randomBytes(8).toString('base64url').slice(0, 16),
          messageId,
          enterpriseAccount: cb.enterpriseAccount,
          retryTimes: attempt,
        });
        try {
          const res = await fetch(cb.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(5_000),
          });
          const reply = (await res.json().catch(() => null)) as Record<string, unknown> | null;
          if (res.ok && reply && this.replyIsSuccess(reply, cb.aesKey)) {
            d.status = 'delivered';
            delete d.lastError;
            return;
          }
          d.lastError = `HTTP ${res.status}, reply not an encrypted signed "success"`;
        } catch (e) {
          d.lastError = e instanceof Error ? e.message : String(e);
        }
        await new Promise((r) => setTimeout(r, this.retryDelayMs * attempt));
      }
      d.status = 'failed';
    });
  }

  /** The reply must be signed with the aesKey and decrypt to "success" (§4.1). */
  private replyIsSuccess(reply: Record<string, unknown>, aesKey: string): boolean {
    const { timestamp, nonce, encryptedResult, signature } = reply;
    if (typeof encryptedResult !== 'string' || typeof signature !== 'string') return false;
    if (!safeEqual(replySignature(String(timestamp), String(nonce), encryptedResult, aesKey), signature))
      return false;
    try {
      return aesDecrypt(encryptedResult, aesKey) === 'success';
    } catch {
      return false;
    }
  }

  /** What our APL workflow function does when a deal becomes 赢单 (manifest/fxiaoke/deal-won-webhook.groovy). */
  notifyWorkflow(apiName: string, dataId: string, version: number): void {
    const wf = this.workflow;
    if (!wf) return;
    const d: Delivery = {
      kind: 'workflow',
      messageId: `${dataId}:${version}`,
      apiName,
      dataId,
      attempts: 0,
      status: 'pending',
    };
    this.deliveries.push(d);
    this.track(async () => {
      d.attempts = 1;
      try {
        const res = await fetch(wf.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [WORKFLOW_SECRET_HEADER]: wf.secret },
          body: JSON.stringify({
            source: 'channel-incentives-apl',
            apiName,
            dataId,
            event: 'won',
            version,
            ts: this.now(),
          }),
          signal: AbortSignal.timeout(10_000),
        });
        d.status = res.ok ? 'delivered' : 'failed';
        if (!res.ok) d.lastError = `HTTP ${res.status}`;
      } catch (e) {
        d.status = 'failed';
        d.lastError = e instanceof Error ? e.message : String(e);
      }
    });
  }

  private track(fn: () => Promise<void>): void {
    this.pending += 1;
    void fn().finally(() => {
      this.pending -= 1;
      if (this.pending === 0) for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves when no delivery is in flight. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}
