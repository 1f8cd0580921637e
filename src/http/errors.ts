// One error shape for every response: { error: { code, message, details? } }.
// 4xx explain exactly what is wrong; 5xx hide internals and are logged with the
// request id, which the response names so an operator can find the log line.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QueueUnavailableError } from '../jobs/queue-factory.js';

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorSchema>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

/** Response schemas for the errors every route can answer with. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
  422: ErrorSchema,
  429: ErrorSchema,
  500: ErrorSchema,
  503: ErrorSchema,
} as const;

const body = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_request'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_request'],
  FST_ERR_VALIDATION: [400, 'invalid_request'],
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ApiError) {
      return reply.status(err.statusCode).send(body(err.code, err.message, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      return reply.status(400).send(
        body(
          'invalid_request',
          `invalid ${where}: ${err.validation.map((v) => `${v.instancePath || '/'} ${v.message}`).join('; ')}`,
          err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message })),
        ),
      );
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return reply.status(known[0]).send(body(known[1], err.message));
    if (err.statusCode === 429) return reply.status(429).send(body('rate_limited', err.message));
    if (
      !isResponseSerializationError(err) &&
      err.statusCode &&
      err.statusCode >= 400 &&
      err.statusCode < 500
    ) {
      return reply.status(err.statusCode).send(body((err.code ?? 'bad_request').toLowerCase(), err.message));
    }
    // The queue backend is down (Redis): say so, so a client knows to retry; readiness
    // reports it too. What the request stored (an open run) is picked up on the retry.
    if (err instanceof QueueUnavailableError) {
      request.log.warn({ err }, 'queue unavailable');
      return reply
        .status(503)
        .send(body('queue_unavailable', 'the job queue is unavailable; try again shortly'));
    }
    request.log.error({ err }, 'request failed');
    return reply
      .status(500)
      .send(body('internal_error', `internal error; quote request id ${request.id} when reporting it`));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
