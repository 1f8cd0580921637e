// The environment, parsed once. Nothing else in the codebase reads process.env:
// everything that needs a setting receives it from the Config object built here.
// An invalid value stops the process with a message naming the variable.
import { z } from 'zod';

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/** A space- or comma-separated list whose every item matches `item`; empty = unset. */
const sourceList = (item: RegExp, what: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(/[\s,]+/).filter(Boolean))
    .refine((list) => list.every((x) => item.test(x)), { message: `every item must be ${what}` })
    .transform((list) => (list.length ? list : undefined));

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const EnvSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalUrl(['http', 'https']),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  REDIS_URL: optionalUrl(['redis', 'rediss']),
  ENCRYPTION_KEYS: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  LOG_LEVEL: LogLevel.default('info'),
  /** Largest accepted request body in bytes. */
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(256 * 1024),
  /** How long SIGTERM/SIGINT waits for active jobs and requests before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /**
   * How a killed worker's jobs come back: a job's lock lapses after JOB_LOCK_MS without
   * renewal (the worker renews it every half of that), and every JOB_STALLED_CHECK_MS a
   * worker moves lapsed jobs back to waiting. A job that stalls more than JOB_MAX_STALLS
   * times fails instead.
   */
  JOB_LOCK_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  JOB_STALLED_CHECK_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  JOB_MAX_STALLS: z.coerce.number().int().min(0).max(1000).default(1),
  /** The inbox reconciler: how often it runs, and how old an open row must be to be handed over again. */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  RECONCILE_STALE_AFTER_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** Tests and chaos runs only: a file whose number (ms) is added to the clock (src/clock.ts). */
  CLOCK_OFFSET_FILE: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  /** Key prefix of the queues in Redis (deployments sharing one Redis use different prefixes). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -')
    .default('ci'),
  /** Requests per minute per client on the API (0 disables the limiter). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Who may frame the widget pages (/widgets/*); replaces the CRM defaults (docs/widget.md §2). */
  WIDGET_FRAME_ANCESTORS: sourceList(
    /^('self'|https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?)$/,
    "'self' or an origin such as https://crm.zoho.com or https://*.fxiaoke.com",
  ),
  /** Extra origins that may call the widget API cross-origin (besides Zoho's widget domains). */
  WIDGET_CORS_ORIGINS: sourceList(
    /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
    'an origin such as https://crm.example.com',
  ),
  /** Life of a widget session in minutes. */
  WIDGET_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
});

export type LogLevel = z.infer<typeof LogLevel>;

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Raw ENCRYPTION_KEYS; parsed by src/secrets/keyring.ts. */
  encryptionKeys: string | undefined;
  logLevel: LogLevel;
  bodyLimit: number;
  shutdownTimeoutMs: number;
  rateLimitPerMinute: number;
  queuePrefix: string;
  /** BullMQ worker options (recovery of a killed worker's jobs). */
  jobs: { lockMs: number; stalledCheckMs: number; maxStalls: number };
  reconcile: { intervalMs: number; staleAfterMs: number };
  /** Tests only: the clock-offset file (src/clock.ts); unset in production. */
  clockOffsetFile: string | undefined;
  /** undefined: the CRM defaults (src/widget-api/embedding.ts). */
  widgetFrameAncestors: string[] | undefined;
  widgetCorsOrigins: string[];
  widgetSessionTtlMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value means unset (a blank line in an env file must not override a default).
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '?')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? '127.0.0.1' : e.HOST;
  return {
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    encryptionKeys: e.ENCRYPTION_KEYS,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    queuePrefix: e.QUEUE_PREFIX,
    jobs: { lockMs: e.JOB_LOCK_MS, stalledCheckMs: e.JOB_STALLED_CHECK_MS, maxStalls: e.JOB_MAX_STALLS },
    clockOffsetFile: e.CLOCK_OFFSET_FILE,
    reconcile: { intervalMs: e.RECONCILE_INTERVAL_MS, staleAfterMs: e.RECONCILE_STALE_AFTER_MS },
    widgetFrameAncestors: e.WIDGET_FRAME_ANCESTORS,
    widgetCorsOrigins: e.WIDGET_CORS_ORIGINS ?? [],
    widgetSessionTtlMs: e.WIDGET_SESSION_TTL_MINUTES * 60_000,
  };
}
