// A request's child logger, built only when something is logged at an enabled level.
//
// Fastify gives every request `logger.child({ reqId })`. With our redaction (src/log.ts:
// ~100 wildcard paths) pino redacts the bindings when the child is made, which cost
// more CPU than the rest of a push (7–9 % of the API's CPU at 2,000 pushes/s in the
// bench:pipeline profile) — for a logger that, at LOG_LEVEL=warn, never writes a line
// for a push that goes well. This factory hands out a stand-in that makes the real
// child (same bindings, same options, so the same output) on the first enabled call.
import type { FastifyBaseLogger, RawRequestDefaultExpression } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

interface PinoLike extends FastifyBaseLogger {
  isLevelEnabled?(level: string): boolean;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Stands in for `parent.child(bindings, opts)` until a call at an enabled level needs it. */
class LazyChild {
  private real: PinoLike | undefined;
  constructor(
    private readonly parent: PinoLike & { isLevelEnabled(level: string): boolean },
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}
  private get made(): PinoLike {
    this.real ??= this.parent.child(this.bindings, this.opts) as PinoLike;
    return this.real;
  }
  private write(level: Level, args: unknown[]) {
    if (!this.real && !this.parent.isLevelEnabled(level)) return;
    const made = this.made;
    (made[level] as (...a: unknown[]) => void).apply(made, args);
  }
  get level(): string {
    return (this.real ?? this.parent).level;
  }
  set level(level: string) {
    this.made.level = level;
  }
  isLevelEnabled(level: string): boolean {
    return (this.real ?? this.parent).isLevelEnabled?.(level) ?? true;
  }
  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  silent() {}
  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made.child(bindings, opts);
  }
}

/** A Fastify `childLoggerFactory` (set per scope with `setChildLoggerFactory`). */
export function lazyChildLogger(
  this: unknown,
  logger: FastifyBaseLogger,
  bindings: Bindings,
  opts: ChildLoggerOptions,
  _req: RawRequestDefaultExpression,
): FastifyBaseLogger {
  const parent = logger as PinoLike;
  // A route-level level or serializers change what is enabled: no shortcut then.
  if (opts.level !== undefined || opts.serializers !== undefined || !parent.isLevelEnabled) {
    return parent.child(bindings, opts);
  }
  return new LazyChild(
    parent as PinoLike & { isLevelEnabled(level: string): boolean },
    bindings,
    opts,
  ) as unknown as FastifyBaseLogger;
}
