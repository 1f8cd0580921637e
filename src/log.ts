// The process logger (pino). Redaction is configured here once, for every part:
// authorization headers, cookies, tokens, secrets, codes and credentials never
// reach the output, whichever object they are nested in (up to three levels), and
// request URLs are logged with secret-looking query values and path tokens masked.
import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'secret',
  'token',
  'code',
  'key',
  'apiKey',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'appSecret',
  'app_secret',
  'webhookSecret',
  'aesKey',
  'credentials',
  'permanentCode',
  'corpAccessToken',
];

const paths: string[] = [];
for (const k of SECRET_KEYS) {
  const p = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = p.startsWith('[') ? '' : '.';
  paths.push(p, `*${dot}${p}`, `*.*${dot}${p}`, `*.*.*${dot}${p}`);
}
export const REDACT_PATHS = paths;

const SECRET_QUERY =
  /^(code|token|access_token|refresh_token|secret|client_secret|state|key|k|api_key|signature|sig)$/i;

/** A URL with secret query values and long token-like path segments masked. */
export function safeUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const maskedPath = path
    .split('/')
    .map((seg) => (/^[A-Za-z0-9_-]{24,}$/.test(seg) ? '[REDACTED]' : seg))
    .join('/');
  if (!query) return maskedPath;
  const params = query
    .split('&')
    .map((pair) => {
      const [k = '', v] = pair.split('=', 2);
      return v !== undefined && SECRET_QUERY.test(decodeURIComponent(k)) ? `${k}=[REDACTED]` : pair;
    })
    .join('&');
  return `${maskedPath}?${params}`;
}

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url ? safeUrl(req.url) : undefined,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
