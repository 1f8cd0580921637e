// Starts the pipeline's workers (sync, recalc, rerank, writeback) on the queues.
import type { PipelineContext } from './context.js';
import { processRecalc } from './recalc.worker.js';
import { processRerank } from './rerank.worker.js';
import { processSync } from './sync.worker.js';
import { processWriteback } from './writeback.worker.js';

export { type PipelineContext, type PipelineDeps, pipelineContext } from './context.js';

export function startPipelineWorkers(ctx: PipelineContext) {
  return [
    // Push-driven passes are serialized per tenant by a lock and cost a few ms when a
    // pass before them took their rows along: with 2 slots, jobs waiting for a tenant's
    // lock filled them and pushes queued for seconds (docs/performance.md). Runs are
    // limited to 2 at a time separately (sync.worker.ts).
    ctx.queues.worker('sync', (job, token) => processSync(ctx, job, token), { concurrency: 8 }),
    ctx.queues.worker('recalc', (job, token) => processRecalc(ctx, job, token), { concurrency: 4 }),
    ctx.queues.worker('rerank', (job, token) => processRerank(ctx, job, token), { concurrency: 2 }),
    ctx.queues.worker('writeback', (job, token) => processWriteback(ctx, job, token), { concurrency: 2 }),
  ];
}
