// Bulk Read for big first syncs (fact sheet §3.1, §3.3). A job costs 50 credits
// for up to 200,000 records; COQL costs 3 per 2,000. We count the module first (1
// credit) and take Bulk Read only when it is cheaper: from about 34,000 records,
// never below the configured threshold (Zoho's jobs take seconds to minutes).
// The job is polled (the callback is unsigned, and a connector has no HTTP
// endpoint of its own); the ZIP's CSV is handed out in pages of 2,000 rows with
// a cursor that resumes by re-downloading the same job's file.
import { z } from 'zod';
import type { Page } from '../contract.js';
import { CrmError } from '../contract.js';
import { csvRecords, unzip } from './zoho.bulk-file.js';
import type { ZohoClient } from './zoho.client.js';
import type { ZohoRecord } from './zoho.mapping.js';
import type { ListSpec } from './zoho.sync.js';
import { COQL_PAGE, coqlCredits, decodeCursor, encodeCursor, parseBody, toPage } from './zoho.sync.js';

export const BULK_READ_CREDITS = 50;
export const BULK_PAGE = 200_000;

export interface FullSyncPlan {
  via: 'coql' | 'bulk';
  records: number;
  coqlCredits: number;
  bulkCredits: number;
}

/** Credits each path would spend on `records` (status polls and downloads counted at 1 each, 2 per job). */
export function planFullSync(records: number, threshold: number): FullSyncPlan {
  const coql = Math.max(1, Math.ceil(records / COQL_PAGE)) * coqlCredits(COQL_PAGE);
  const bulk = Math.max(1, Math.ceil(records / BULK_PAGE)) * (BULK_READ_CREDITS + 2);
  return {
    via: records >= threshold && bulk < coql ? 'bulk' : 'coql',
    records,
    coqlCredits: coql,
    bulkCredits: bulk,
  };
}

export async function countRecords(client: ZohoClient, module: string): Promise<number> {
  const res = await client.request<{ count?: number }>({
    method: 'GET',
    path: `/crm/v8/${module}/actions/count`,
  });
  return typeof res.data?.count === 'number' ? res.data.count : 0;
}

const JobSchema = z.object({
  data: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String).optional(),
      state: z.string().optional(),
      status: z.string().optional(),
      code: z.string().optional(),
      details: z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) }).optional(),
      result: z
        .looseObject({ more_records: z.boolean().optional(), download_url: z.string().optional() })
        .optional(),
    }),
  ),
});

export interface BulkOptions {
  pollMs: number;
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
}

async function createJob(client: ZohoClient, spec: ListSpec<unknown>, page: number): Promise<string> {
  const res = await client.request<unknown>({
    method: 'POST',
    path: '/crm/bulk/v8/read',
    headers: { 'Content-Type': 'application/json' },
    data: { query: { module: { api_name: spec.module }, fields: spec.fields, page } },
    credits: BULK_READ_CREDITS,
  });
  const id = parseBody(JobSchema, res.data, 'bulk read job').data[0]?.details?.id;
  if (!id) throw new Error('Zoho bulk read answered without a job id');
  return id;
}

async function waitForJob(
  client: ZohoClient,
  jobId: string,
  o: BulkOptions,
): Promise<{ moreRecords: boolean }> {
  let waited = 0;
  for (let delay = o.pollMs; ; delay = Math.min(delay * 2, 30_000)) {
    const res = await client.request<unknown>({ method: 'GET', path: `/crm/bulk/v8/read/${jobId}` });
    const job = parseBody(JobSchema, res.data, 'bulk read status').data[0];
    if (job?.state === 'COMPLETED') return { moreRecords: job.result?.more_records ?? false };
    if (job?.state === 'FAILURE') {
      throw new CrmError(`Zoho bulk read job ${jobId} failed`, {
        kind: 'retryable',
        reason: 'bulk read job FAILURE',
      });
    }
    if (waited >= o.maxWaitMs) {
      throw new CrmError(`Zoho bulk read job ${jobId} not done after ${waited} ms`, {
        kind: 'retryable',
        reason: 'bulk read still running',
      });
    }
    await o.sleep(delay);
    waited += delay;
  }
}

/**
 * The job's records, read from its file one at a time (the ZIP is held, its CSV is
 * parsed as the pages are taken; see csvRows).
 */
async function download(client: ZohoClient, jobId: string): Promise<Iterator<ZohoRecord>> {
  const res = await client.request<ArrayBuffer>({
    method: 'GET',
    path: `/crm/bulk/v8/read/${jobId}/result`,
    responseType: 'arraybuffer',
  });
  if (!res.data) return [][Symbol.iterator]();
  const entry = unzip(Buffer.from(res.data)).find((e) => e.name.endsWith('.csv'));
  if (!entry) throw new Error(`Zoho bulk read ${jobId}: no CSV in the result file`);
  return (function* () {
    for (const row of csvRecords(entry.data)) {
      const { Id, ...rest } = row;
      yield { ...rest, id: String(Id ?? row.id) } as ZohoRecord;
    }
  })();
}

export async function* listViaBulk<T>(
  client: ZohoClient,
  spec: ListSpec<T>,
  cursor: string | null,
  o: BulkOptions,
): AsyncIterable<Page<T>> {
  const start = cursor ? decodeCursor(cursor) : null;
  let page = start?.page ?? 1;
  let jobId = start?.jobId ?? null;
  let offset = start?.offset ?? 0;
  for (;;) {
    if (!jobId) {
      jobId = await createJob(client, spec as ListSpec<unknown>, page);
      offset = 0;
    }
    const { moreRecords } = await waitForJob(client, jobId, o);
    const rows = await download(client, jobId);
    // A resumed file: the rows handed out before are skipped (parsed, not kept).
    let seen = 0;
    while (seen < offset && !rows.next().done) seen++;
    // The next job's file (Zoho's page + 1), or the end.
    const afterFile = moreRecords
      ? encodeCursor({ v: 1, via: 'bulk', afterId: null, pageToken: null, since: null, page: page + 1 })
      : null;
    let ahead = rows.next();
    if (ahead.done && seen === 0) yield toPage([], spec, afterFile);
    while (!ahead.done) {
      // One row read ahead: whether this page ends the file decides its cursor.
      const chunk: ZohoRecord[] = [];
      while (!ahead.done && chunk.length < COQL_PAGE) {
        chunk.push(ahead.value);
        ahead = rows.next();
      }
      seen += chunk.length;
      const next = ahead.done
        ? afterFile
        : encodeCursor({
            v: 1,
            via: 'bulk',
            afterId: null,
            pageToken: null,
            since: null,
            jobId,
            page,
            offset: seen,
          });
      yield toPage(chunk.filter(spec.accept), spec, next);
    }
    if (!moreRecords) return;
    page++;
    jobId = null;
  }
}
