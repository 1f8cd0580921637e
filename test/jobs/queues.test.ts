import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip, startPingWorker } from '../../src/jobs/ping.worker.js';
import {
  createQueues,
  type QueueBackend,
  type Queues,
  QueueUnavailableError,
} from '../../src/jobs/queue-factory.js';
import { checkPayload, JobPayloads, PayloadError } from '../../src/jobs/queues.js';
import { registry } from '../../src/metrics.js';
import { closedPort, REDIS_URL, randomPrefix } from '../runtime/helpers/redis.js';
import { createTestStore } from '../runtime/helpers/stores.js';

type Case = { name: string; setup: () => Promise<{ backend: QueueBackend; dispose: () => Promise<void> }> };

const cases: Case[] = [
  {
    name: 'embedded PGlite (BullMQ PostgreSQL backend through the gateway)',
    setup: async () => {
      const store = await createTestStore('pglite');
      return { backend: { kind: 'postgres', connection: store.pgConnection }, dispose: store.dispose };
    },
  },
  {
    name: 'real PostgreSQL (BullMQ PostgreSQL backend)',
    setup: async () => {
      const store = await createTestStore('postgres');
      return { backend: { kind: 'postgres', connection: store.pgConnection }, dispose: store.dispose };
    },
  },
  {
    name: 'Redis',
    setup: async () => {
      const prefix = randomPrefix();
      return {
        backend: { kind: 'redis', url: REDIS_URL, prefix },
        dispose: async () => {
          const r = new Redis(REDIS_URL);
          const keys = await r.keys(`${prefix}:*`);
          if (keys.length) await r.del(...keys);
          r.disconnect();
        },
      };
    },
  },
];

describe.each(cases)('job round-trip on $name', ({ setup }) => {
  let queues: Queues;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const s = await setup();
    dispose = s.dispose;
    queues = createQueues(s.backend);
    startPingWorker(queues);
  });
  afterAll(async () => {
    await queues?.close();
    await dispose?.();
  });

  it('a ping job travels producer → worker → result', async () => {
    // The first call on the PostgreSQL backend creates BullMQ's schema: slow on a busy machine.
    await queues.ping(15_000);
    const { ms } = await roundTrip(queues);
    expect(ms).toBeLessThan(15_000);
    const second = await roundTrip(queues);
    expect(second.ms).toBeLessThan(15_000);
  });

  it('refuses payloads that carry anything but ids, and enqueues nothing then', async () => {
    const before = await queues.queue('sync').getJobCounts('waiting');
    await expect(
      queues.add('sync', { tenantId: 't_abcdef', refreshToken: '1000.secret' } as never),
    ).rejects.toBeInstanceOf(PayloadError);
    await expect(queues.add('recalc', { tenantId: 't_abcdef', period: '2027 Q1' })).rejects.toThrow(/period/);
    expect(await queues.queue('sync').getJobCounts('waiting')).toEqual(before);
  });
});

describe('queue payload schemas', () => {
  it('every queue schema is strict (unknown keys rejected)', () => {
    for (const name of Object.keys(JobPayloads) as (keyof typeof JobPayloads)[]) {
      expect(() => checkPayload(name, { tenantId: 't_abcdef', nonce: 'n', extra: 'x' })).toThrow(
        PayloadError,
      );
    }
  });
});

describe('Redis down', () => {
  it('producers fail fast instead of queueing in memory', async () => {
    const port = await closedPort();
    const queues = createQueues({ kind: 'redis', url: `redis://127.0.0.1:${port}`, prefix: randomPrefix() });
    const started = Date.now();
    await expect(queues.ping(1500)).rejects.toThrow();
    await expect(queues.add('ping', { nonce: 'x' })).rejects.toThrow(QueueUnavailableError);
    // Bounded by the ping and enqueue deadlines (1.5 s + 3 s), not by reconnect attempts.
    expect(Date.now() - started).toBeLessThan(10_000);
    await queues.close();
  });
});

describe('graceful worker shutdown', () => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  beforeAll(async () => {
    store = await createTestStore('pglite');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('releases an active job that outlives the deadline (forced close)', async () => {
    const queues = createQueues({ kind: 'postgres', connection: store.pgConnection });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let started!: () => void;
      const running = new Promise<void>((r) => {
        started = r;
      });
      let finished = false;
      queues.worker('maintenance', async () => {
        started();
        await gate;
        finished = true;
      });
      await queues.add('maintenance', { tenantId: 't_shutdown', task: 'reconcile-inbox' });
      await running;
      // Deadline passes while the job is still blocked: the worker is closed by force.
      const forced = queues.closeWorkers(300);
      expect(await forced).toEqual({ forced: true });
      expect(finished).toBe(false);
      release();
    } finally {
      await queues.close();
    }
  });

  it('waits for an active job that finishes before the deadline', async () => {
    const queues = createQueues({ kind: 'postgres', connection: store.pgConnection });
    try {
      let started!: () => void;
      const running = new Promise<void>((r) => {
        started = r;
      });
      let finished = false;
      queues.worker('maintenance', async () => {
        started();
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      });
      await queues.add('maintenance', { tenantId: 't_shutdown2', task: 'reconcile-inbox' });
      await running;
      expect(await queues.closeWorkers(10_000)).toEqual({ forced: false });
      expect(finished).toBe(true);
    } finally {
      await queues.close();
    }
  });
});

describe('job metrics', () => {
  it('count completed and failed jobs by queue: ci_job_duration_seconds and ci_job_failures_total', async () => {
    const store = await createTestStore('pglite');
    const queues = createQueues({ kind: 'postgres', connection: store.pgConnection });
    const value = async (line: RegExp) => Number(line.exec(await registry.metrics())?.[1] ?? 0);
    const completed = /^ci_job_duration_seconds_count\{queue="ping",outcome="completed"\} (\d+)$/m;
    const failedRuns = /^ci_job_duration_seconds_count\{queue="ping",outcome="failed"\} (\d+)$/m;
    const failures = /^ci_job_failures_total\{queue="ping"\} (\d+)$/m;
    try {
      const before = [await value(completed), await value(failedRuns), await value(failures)];
      queues.worker('ping', async (job) => {
        if (job.data.nonce === 'fail') throw new Error('planned failure');
        return { pong: job.data.nonce };
      });
      await queues.ping(15_000);
      await roundTrip(queues);
      const id = await queues.add('ping', { nonce: 'fail' }, { attempts: 1 });
      for (let i = 0; i < 300 && (await queues.queue('ping').getJobState(id)) !== 'failed'; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await queues.queue('ping').getJobState(id)).toBe('failed');
      expect([await value(completed), await value(failedRuns), await value(failures)]).toEqual([
        before[0]! + 1,
        before[1]! + 1,
        before[2]! + 1,
      ]);
    } finally {
      await queues.close();
      await store.dispose();
    }
  });
});
