// Shapes shared by the admin routes (also what the OpenAPI document shows).
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../../store/ids.js';

export const TenantParams = z.object({
  tenantId: z.string().regex(TENANT_ID_PATTERN, 'must be a tenant id such as t_abc123'),
});

export const TenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  crm: z.enum(['zoho', 'fxiaoke']),
  orgId: z.string(),
  region: z.string(),
  status: z.enum(['active', 'needs_reauth', 'paused']),
  statusReason: z.string().nullable(),
  pausedUntil: z.string().nullable(),
  hasCredentials: z.boolean(),
  credentialsKeyId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const PlanVersionSchema = z.object({
  version: z.number().int(),
  format: z.enum(['yaml', 'json']),
  active: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
});

export const ProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
});

export const Limit = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** JSON objects only (settings, credentials): a bounded, string-keyed record. */
export const JsonObject = z.record(z.string().max(200), z.unknown());
