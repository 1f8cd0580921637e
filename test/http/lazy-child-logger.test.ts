// The push route's request logger is made only when something is logged (a child with
// redaction per request was most of a push's CPU). Made late, it must write what the
// eager child would: the request's bindings, redaction, the level threshold.
import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazyChildLogger } from '../../src/http/lazy-child-logger.js';
import { createLogger } from '../../src/log.js';

function sinkLogger(level: 'warn' | 'debug') {
  const lines: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean)));
  const logger = createLogger(level, sink) as unknown as FastifyBaseLogger;
  const child = (bindings: Record<string, unknown>) =>
    lazyChildLogger.call(null, logger, bindings, {}, {} as never);
  const written = async () => {
    await new Promise((r) => setImmediate(r));
    return lines.map((l) => JSON.parse(l));
  };
  return { lines: written, child };
}

describe('lazyChildLogger', () => {
  it('writes nothing below the level, and lines at or above it with the bindings, redacted', async () => {
    const { lines, child } = sinkLogger('warn');
    const log = child({ reqId: 'req-7' });
    log.info({ tenantId: 't_x' }, 'push accepted');
    log.debug('detail');
    log.warn({ tenantId: 't_x', token: 'super-secret' }, 'push rejected');
    const out = await lines();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      reqId: 'req-7',
      tenantId: 't_x',
      msg: 'push rejected',
      token: '[REDACTED]',
    });
    expect(JSON.stringify(out)).not.toContain('super-secret');
  });

  it('matches an eager child at debug level, including grandchildren and the level', async () => {
    const { lines, child } = sinkLogger('debug');
    const log = child({ reqId: 'req-8' });
    expect(log.level).toBe('debug');
    log.debug('one');
    log.child({ part: 'verify' }).info('two');
    const out = await lines();
    expect(out.map((l) => [l.reqId, l.msg, l.part])).toEqual([
      ['req-8', 'one', undefined],
      ['req-8', 'two', 'verify'],
    ]);
  });
});
