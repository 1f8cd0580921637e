// `tenant install-fields --tenant T`: runs the tenant's connector installFields()
// (Zoho creates the result fields through its Fields API; Fxiaoke has no such API and
// reports what an admin must create), stores what it discovered in the tenant's
// settings, and exits 1 while fields are missing so scripts can stop there.
import { Writable } from 'node:stream';
import type { Command } from '../cli.js';
import { type FieldsInstalled, installTenantFields } from '../jobs/onboarding.service.js';
import { createLogger } from '../log.js';
import { createLocks } from '../store/locks.js';
import { parse, printJson, runCommand, tenantArg, withContext } from './context.js';
import type { CommandIo } from './io.js';

const HELP = `usage: channel-incentives tenant install-fields --tenant TENANT_ID [--json]

Creates the result fields in the CRM where it has an API for it (Zoho: Incentive_*
on Accounts), checks them where it has not (Fxiaoke: lists the fields an admin
must create on PartnerObj, with their types), and stores the mapping it discovers
(won/lost stages or status codes, partner lookups, field api names) in the
tenant's settings. Values an admin set explicitly are kept.

Exit codes: 0 every field is in place, 1 fields are missing (listed) or the CRM
refused, 2 bad usage. Safe to run again at any time.
`;

function describe(r: FieldsInstalled): string {
  const lines = [`tenant ${r.tenantId} (${r.crm})`];
  lines.push(`  created (${r.created.length}): ${r.created.join(', ') || '-'}`);
  lines.push(`  already present (${r.present.length}): ${r.present.join(', ') || '-'}`);
  if (r.keptSettings.length > 0)
    lines.push(`  kept your settings for: ${r.keptSettings.join(', ')} (install found other values)`);
  const warnings = (r.settings.installDiscovered as { warnings?: unknown } | undefined)?.warnings;
  if (Array.isArray(warnings)) for (const w of warnings) lines.push(`  warning: ${String(w)}`);
  if (r.missing.length === 0) {
    lines.push('all result fields are in place.');
  } else {
    lines.push(`  missing (${r.missing.length}): create these by hand, then run this command again:`);
    for (const f of r.missing) {
      lines.push(`    - ${f.label}  api name ${f.apiName}  type ${f.type}${f.note ? `  (${f.note})` : ''}`);
    }
    if (r.crm === 'fxiaoke')
      lines.push('  where: 管理后台 → 对象管理 → 合作伙伴 → 字段管理 → 新建字段 (docs/fxiaoke.md §3)');
  }
  return `${lines.join('\n')}\n`;
}

/** Connector logs go to stderr as text lines, warnings and worse only. */
function stderrLogger(io: CommandIo) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      try {
        const entry = JSON.parse(chunk.toString()) as { msg?: string };
        io.err(`channel-incentives: ${entry.msg ?? chunk.toString()}\n`);
      } catch {
        io.err(chunk.toString());
      }
      done();
    },
  });
  return createLogger('warn', sink);
}

export const command: Command = {
  summary: 'create (Zoho) or check (Fxiaoke) the CRM fields results are written to',
  run: (argv, io) =>
    runCommand(io, argv, HELP, async () => {
      const { values, positionals } = parse(argv, { tenant: { type: 'string' } });
      const id = tenantArg(values.tenant ?? positionals[0]);
      return withContext(io, async ({ store, keyring }) => {
        const result = await installTenantFields(
          { store, keyring, locks: createLocks(store), logger: stderrLogger(io) },
          id,
          'cli',
        );
        if (values.json) {
          const { settings: _settings, ...rest } = result;
          printJson(io, { ...rest, ok: result.missing.length === 0 });
        } else io.out(describe(result));
        return result.missing.length === 0 ? 0 : 1;
      });
    }),
};
