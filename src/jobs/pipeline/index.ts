// Starts the pipeline's workers (sync, recalc, rerank, writeback) on the queues.
import type { PipelineContext } from './context.js';
import { processRecalc } from './recalc.worker.js';
import { processRerank } from './rerank.worker.js';
import { processSync } from './sync.worker.js';
import { processWriteback } from './writeback.worker.js';

export { type PipelineContext, type PipelineDeps, pipelineContext } from './context.js';

export function startPipelineWorkers(ctx: PipelineContext) {
  return [
    ctx.queues.worker('sync', (job, token) => processSync(ctx, job, token), { concurrency: 2 }),
    ctx.queues.worker('recalc', (job) => processRecalc(ctx, job), { concurrency: 4 }),
    ctx.queues.worker('rerank', (job) => processRerank(ctx, job), { concurrency: 2 }),
    ctx.queues.worker('writeback', (job, token) => processWriteback(ctx, job, token), { concurrency: 2 }),
  ];
}
