// Builds BullMQ queues and workers on the configured backend:
// - Redis (REDIS_URL): producers share one connection with `enableOfflineQueue: false`
//   so an enqueue fails fast when Redis is down (the inbox keeps the work); workers use
//   `maxRetriesPerRequest: null` and reconnect forever.
// - PostgreSQL (no REDIS_URL): BullMQ's PostgreSQL backend on the store's database —
//   the embedded PGlite through its gateway, or DATABASE_URL.
import { createRequire } from 'node:module';
import { type BackendFactory, DelayedError, type Job, type JobsOptions, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { jobDuration, jobFailures } from '../metrics.js';
import type { PgConnection } from '../store/database.js';
import { checkPayload, type Payload, QUEUE_NAMES, type QueueName } from './queues.js';

// The PostgreSQL backend ships only as CommonJS under dist/cjs (bullmq 6.7); inside
// CommonJS its lazy `require('pg')` works, which the ESM build cannot do.
const require = createRequire(import.meta.url);
const { createPostgresBackend } = require('bullmq/dist/cjs/postgres/index.js') as {
  // biome-ignore lint/suspicious/noExplicitAny: the factory's connection type is the pg config, not Redis's
  createPostgresBackend: BackendFactory<any, any>;
};

/** How fast a killed worker's job is handed to another (src/config.ts JOB_*). */
export interface JobRecovery {
  lockMs: number;
  stalledCheckMs: number;
  maxStalls: number;
}

/** BullMQ's own defaults (30 s lock, a check every 30 s, one stall allowed). */
export const DEFAULT_JOB_RECOVERY: JobRecovery = { lockMs: 30_000, stalledCheckMs: 30_000, maxStalls: 1 };

export type QueueBackend =
  | { kind: 'redis'; url: string; prefix?: string }
  | { kind: 'postgres'; connection: PgConnection; schema?: string };

/** `token` is the job's lock token (needed to move the job to delayed from inside the processor). */
export type Processor<N extends QueueName> = (job: Job<Payload<N>>, token?: string) => Promise<unknown>;

export interface Queues {
  readonly kind: QueueBackend['kind'];
  /** The workers' lock timing (a job re-checking its lock extends it by `lockMs`). */
  readonly recovery: JobRecovery;
  /** Validates the payload (ids only) and enqueues; returns the job id. */
  add<N extends QueueName>(name: N, payload: Payload<N>, opts?: JobsOptions): Promise<string>;
  queue(name: QueueName): Queue;
  worker<N extends QueueName>(name: N, processor: Processor<N>, opts?: { concurrency?: number }): Worker;
  /** Reaches the queue backend within the deadline or throws. */
  ping(timeoutMs?: number): Promise<void>;
  depths(): Promise<Record<string, Record<string, number>>>;
  /** Stops taking jobs; waits for active ones until the deadline, then releases them (they stall and retry). */
  closeWorkers(deadlineMs: number): Promise<{ forced: boolean }>;
  close(): Promise<void>;
}

const ENQUEUE_TIMEOUT_MS = 3000;

/** The queue backend did not take the job (Redis or the queue database unreachable): nothing was enqueued. */
export class QueueUnavailableError extends Error {
  constructor(
    readonly queue: QueueName,
    cause: unknown,
  ) {
    super(`queue "${queue}" is unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'QueueUnavailableError';
  }
}

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createQueues(
  backend: QueueBackend,
  onError: (err: Error) => void = () => undefined,
  recovery: JobRecovery = DEFAULT_JOB_RECOVERY,
): Queues {
  const workerOptions = {
    lockDuration: recovery.lockMs,
    stalledInterval: recovery.stalledCheckMs,
    maxStalledCount: recovery.maxStalls,
  };
  const queues = new Map<QueueName, Queue>();
  const workers: Worker[] = [];
  let producer: Redis | null = null;
  const workerConnections: Redis[] = [];

  const redisProducer = () => {
    if (backend.kind !== 'redis') throw new Error('not a redis backend');
    if (!producer) {
      producer = new Redis(backend.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        // Keep trying in the background; commands fail fast meanwhile.
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      producer.on('error', onError);
    }
    return producer;
  };

  /** Waits (bounded) for the producer connection; ioredis is "connecting" right after creation. */
  const redisReady = async (timeoutMs: number) => {
    const conn = redisProducer();
    if (conn.status === 'ready') return;
    if (conn.status === 'end') throw new Error('redis connection closed');
    await withTimeout(
      new Promise<void>((resolve) => conn.once('ready', () => resolve())),
      timeoutMs,
      'redis',
    );
  };

  const queueOptions = () =>
    backend.kind === 'redis'
      ? {
          connection: redisProducer(),
          prefix: backend.prefix ?? 'ci',
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }
      : {
          connection: { ...backend.connection, migrate: true, max: 4, schema: backend.schema },
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        };

  const queue = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      q =
        backend.kind === 'redis'
          ? new Queue(name, queueOptions() as never)
          : new Queue(name, queueOptions() as never, createPostgresBackend);
      q.on('error', onError);
      queues.set(name, q);
    }
    return q;
  };

  return {
    kind: backend.kind,
    recovery,
    queue,
    async add(name, payload, opts) {
      const data = checkPayload(name, payload);
      // Fail fast when the backend is unreachable: the caller (inbox, reconciler)
      // keeps the work and retries later; nothing piles up in process memory.
      try {
        if (backend.kind === 'redis') await redisReady(ENQUEUE_TIMEOUT_MS);
        const job = await withTimeout(
          queue(name).add(name, data, opts),
          ENQUEUE_TIMEOUT_MS,
          `enqueue on "${name}"`,
        );
        return job.id!;
      } catch (err) {
        throw new QueueUnavailableError(name, err);
      }
    },
    worker(name, processor, opts = {}) {
      const run = async (job: Job, token?: string) => {
        const started = performance.now();
        try {
          const out = await processor(job as Job<Payload<typeof name>>, token);
          jobDuration.observe({ queue: name, outcome: 'completed' }, (performance.now() - started) / 1000);
          return out;
        } catch (err) {
          // A job that put itself back to delayed (tenant paused) did not fail.
          if (err instanceof DelayedError) throw err;
          jobDuration.observe({ queue: name, outcome: 'failed' }, (performance.now() - started) / 1000);
          jobFailures.inc({ queue: name });
          throw err;
        }
      };
      let w: Worker;
      if (backend.kind === 'redis') {
        const connection = new Redis(backend.url, { maxRetriesPerRequest: null });
        connection.on('error', onError);
        workerConnections.push(connection);
        w = new Worker(name, run, {
          connection,
          prefix: backend.prefix ?? 'ci',
          concurrency: opts.concurrency ?? 1,
          ...workerOptions,
        } as never);
      } else {
        w = new Worker(
          name,
          run,
          {
            connection: { ...backend.connection, migrate: true, max: 4, schema: backend.schema },
            concurrency: opts.concurrency ?? 1,
            ...workerOptions,
          } as never,
          createPostgresBackend,
        );
      }
      w.on('error', onError);
      workers.push(w);
      return w;
    },
    async ping(timeoutMs = 2000) {
      if (backend.kind === 'redis') {
        const started = Date.now();
        await redisReady(timeoutMs);
        await withTimeout(redisProducer().ping(), Math.max(1, timeoutMs - (Date.now() - started)), 'redis');
      } else {
        await withTimeout(queue('ping').getJobCounts('waiting'), timeoutMs, 'queue database');
      }
    },
    async depths() {
      const out: Record<string, Record<string, number>> = {};
      for (const name of QUEUE_NAMES) {
        out[name] = await queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      }
      return out;
    },
    async closeWorkers(deadlineMs) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      try {
        await withTimeout(graceful, deadlineMs, 'workers');
        return { forced: false };
      } catch {
        // Force: stop without waiting for the processors; their jobs' locks lapse and
        // BullMQ hands them to another worker as stalled (at-least-once, so jobs are idempotent).
        await withTimeout(
          Promise.all(workers.map((w) => w.close(true).catch(() => undefined))),
          2000,
          'forced worker close',
        ).catch(() => undefined);
        return { forced: true };
      }
    },
    async close() {
      await this.closeWorkers(0).catch(() => undefined);
      await withTimeout(
        Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined))),
        2000,
        'queue close',
      ).catch(() => undefined);
      for (const c of workerConnections) c.disconnect();
      const p = producer as Redis | null;
      p?.disconnect();
    },
  };
}
