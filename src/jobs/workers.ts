// The workers a `--role worker|all` process runs. Each entry starts one worker on
// its queue; the pipeline's workers (sync, recalc, writeback, ...) register here.

import type { Logger } from '../log.js';
import type { Keyring } from '../secrets/keyring.js';
import type { Store } from '../store/database.js';
import type { ConnectorFactory } from './connectors.js';
import { startPingWorker } from './ping.worker.js';
import { pipelineContext, startPipelineWorkers } from './pipeline/index.js';
import type { Queues } from './queue-factory.js';
import { startUpkeep } from './upkeep.js';

export interface WorkerDeps {
  queues: Queues;
  store: Store;
  keyring: Keyring;
  logger: Logger;
  /** Shared with the API in one process (one connector, one token cache per tenant). */
  connectors: ConnectorFactory;
  /** PUBLIC_URL: the notify URL of push subscriptions. */
  publicUrl: string;
  /** The inbox reconciler's timing (RECONCILE_*); its defaults when absent. */
  reconcile?: { intervalMs: number; staleAfterMs: number };
  /** The clock of period logic (src/clock.ts); the system clock when absent. */
  now?: () => Date;
}

export const workerStarters: Array<(deps: WorkerDeps) => void> = [
  ({ queues }) => void startPingWorker(queues),
  (deps) => void startPipelineWorkers(pipelineContext(deps)),
  (d) => void startUpkeep({ db: d.store.db, ...d }, d.reconcile),
];

export function startWorkers(deps: WorkerDeps): void {
  for (const start of workerStarters) start(deps);
}
