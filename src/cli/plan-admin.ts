// `plan upload|activate|list --tenant T`: plan versions of a tenant.
import { readFile } from 'node:fs/promises';
import type { Command } from '../cli.js';
import { activatePlan, uploadPlan } from '../jobs/plans.service.js';
import { getPlanVersion, listPlanVersions, type PlanVersion } from '../store/repos/plans.repo.js';
import { getTenant } from '../store/repos/tenants.repo.js';
import { parse, printJson, runCommand, tenantArg, UsageError, withContext } from './context.js';
import type { CommandIo } from './io.js';

const line = (v: PlanVersion) =>
  `v${v.version}  ${v.format}  ${v.active ? 'ACTIVE' : '      '}  uploaded ${v.createdAt} by ${v.createdBy}`;

async function tenantExists(
  io: CommandIo,
  db: Parameters<typeof getTenant>[0],
  id: Parameters<typeof getTenant>[1],
) {
  if (await getTenant(db, id)) return true;
  io.err(`error: tenant ${id} not found\n`);
  return false;
}

export const upload: Command = {
  summary: 'upload a plan file as a new version (validated)',
  run: (argv, io) =>
    runCommand(
      io,
      argv,
      `usage: channel-incentives plan upload --tenant TENANT_ID FILE [--activate] [--json]

Validates the plan (YAML or JSON) and stores it as the tenant's next version.
Invalid plans are not stored: every problem is printed with its path; exit 1.
`,
      async () => {
        const { values, positionals } = parse(argv, {
          tenant: { type: 'string' },
          activate: { type: 'boolean' },
          format: { type: 'string' },
        });
        const tenant = tenantArg(values.tenant);
        const file = positionals[0];
        if (!file) throw new UsageError('missing plan FILE');
        if (values.format && values.format !== 'yaml' && values.format !== 'json') {
          throw new UsageError('--format must be yaml or json');
        }
        let source: string;
        try {
          source = await readFile(file, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
        }
        const format =
          (values.format as 'yaml' | 'json' | undefined) ?? (/\.json$/i.test(file) ? 'json' : undefined);
        return withContext(io, async ({ store }) => {
          if (!(await tenantExists(io, store.db, tenant))) return 1;
          const out = await uploadPlan(store.db, tenant, source, format, 'cli', {
            activate: values.activate,
          });
          if (!out.ok) {
            for (const p of out.problems)
              io.err(`${file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.message}\n`);
            if (values.json) printJson(io, { ok: false, problems: out.problems });
            return 1;
          }
          if (values.json) printJson(io, out.version);
          else io.out(`stored ${line(out.version)}\n`);
          return 0;
        });
      },
    ),
};

export const activate: Command = {
  summary: 'make a plan version the active one',
  run: (argv, io) =>
    runCommand(
      io,
      argv,
      'usage: channel-incentives plan activate --tenant TENANT_ID VERSION [--json]\n',
      async () => {
        const { values, positionals } = parse(argv, { tenant: { type: 'string' } });
        const tenant = tenantArg(values.tenant);
        const version = Number(positionals[0]);
        if (!Number.isInteger(version) || version < 1)
          throw new UsageError('VERSION must be a positive integer');
        return withContext(io, async ({ store }) => {
          if (!(await tenantExists(io, store.db, tenant))) return 1;
          if (!(await activatePlan(store.db, tenant, version, 'cli'))) {
            io.err(`error: tenant ${tenant} has no plan version ${version}\n`);
            return 1;
          }
          const { source: _s, plan: _p, ...v } = (await getPlanVersion(store.db, tenant, version))!;
          if (values.json) printJson(io, v);
          else io.out(`active: ${line(v)}\n`);
          return 0;
        });
      },
    ),
};

export const list: Command = {
  summary: 'list the plan versions of a tenant',
  run: (argv, io) =>
    runCommand(io, argv, 'usage: channel-incentives plan list --tenant TENANT_ID [--json]\n', async () => {
      const { values } = parse(argv, { tenant: { type: 'string' } });
      const tenant = tenantArg(values.tenant);
      return withContext(io, async ({ store }) => {
        if (!(await tenantExists(io, store.db, tenant))) return 1;
        const versions = await listPlanVersions(store.db, tenant);
        if (values.json) printJson(io, { versions });
        else io.out(versions.length ? `${versions.map(line).join('\n')}\n` : 'no plan versions yet\n');
        return 0;
      });
    }),
};
