// `admin-key create|revoke`: keys for the admin API. A key is shown once.
import type { Command } from '../cli.js';
import { createAdminKey, revokeAdminKey } from '../store/repos/admin-keys.repo.js';
import { audit } from '../store/repos/audit.repo.js';
import { getTenant } from '../store/repos/tenants.repo.js';
import { parse, printJson, runCommand, tenantArg, UsageError, withContext } from './context.js';

const CREATE_HELP = `usage: channel-incentives admin-key create (--tenant TENANT_ID | --operator) [--label TEXT] [--json]

Creates an admin API key and prints it ONCE (only its hash is stored).
A tenant key reaches only that tenant; an operator key may create tenants and act on all.
Send it as "Authorization: Bearer <key>".
`;

export const create: Command = {
  summary: 'create an admin API key (shown once)',
  run: (argv, io) =>
    runCommand(io, argv, CREATE_HELP, async () => {
      const { values } = parse(argv, {
        tenant: { type: 'string' },
        operator: { type: 'boolean' },
        label: { type: 'string' },
      });
      if (!values.operator === !values.tenant)
        throw new UsageError('give exactly one of --tenant or --operator');
      const tenant = values.tenant ? tenantArg(values.tenant) : null;
      return withContext(io, async ({ store }) => {
        if (tenant && !(await getTenant(store.db, tenant))) {
          io.err(`error: tenant ${tenant} not found\n`);
          return 1;
        }
        const key = await createAdminKey(store.db, tenant, values.label ?? '');
        if (tenant) await audit(store.db, tenant, 'cli', 'admin-key.created', { keyId: key.keyId });
        if (values.json) printJson(io, key);
        else {
          io.out(`${key.key}\n`);
          io.err(
            `admin key ${key.keyId} for ${tenant ?? 'the operator'}; store it now, it is not shown again\n`,
          );
        }
        return 0;
      });
    }),
};

export const revoke: Command = {
  summary: 'revoke an admin API key',
  run: (argv, io) =>
    runCommand(
      io,
      argv,
      'usage: channel-incentives admin-key revoke KEY_ID (--tenant TENANT_ID | --operator) [--json]\n',
      async () => {
        const { values, positionals } = parse(argv, {
          tenant: { type: 'string' },
          operator: { type: 'boolean' },
        });
        const keyId = positionals[0];
        if (!keyId) throw new UsageError('missing KEY_ID (ak_...)');
        if (!values.operator === !values.tenant)
          throw new UsageError('give exactly one of --tenant or --operator');
        const tenant = values.tenant ? tenantArg(values.tenant) : null;
        return withContext(io, async ({ store }) => {
          const ok = await revokeAdminKey(store.db, tenant, keyId);
          if (!ok) {
            io.err(`error: no active key ${keyId} for ${tenant ?? 'the operator'}\n`);
            return 1;
          }
          if (tenant) await audit(store.db, tenant, 'cli', 'admin-key.revoked', { keyId });
          if (values.json) printJson(io, { keyId, revoked: true });
          else io.out(`revoked ${keyId}\n`);
          return 0;
        });
      },
    ),
};
