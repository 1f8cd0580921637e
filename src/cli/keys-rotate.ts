// `keys rotate`: re-encrypts every sealed secret (each tenant's CRM credentials and
// Zoho widget secret) under the active key (the first of ENCRYPTION_KEYS), with
// progress on stderr.
import type { Command } from '../cli.js';
import { rotateCredentials } from '../secrets/rotate.js';
import { parse, printJson, runCommand, withContext } from './context.js';

export const command: Command = {
  summary: 're-encrypt all credentials and widget secrets under the active key',
  run: (argv, io) =>
    runCommand(
      io,
      argv,
      `usage: channel-incentives keys rotate [--json]

Re-encrypts every tenant's CRM credentials and Zoho widget secret under the
active key (the first entry of ENCRYPTION_KEYS). Steps: put a new key first in
ENCRYPTION_KEYS ("k2:NEW,k1:OLD"), restart the server, run this command, then
remove the old key.
`,
      async () => {
        const { values } = parse(argv, {});
        return withContext(io, async ({ store, keyring }) => {
          io.err(`rotating credentials and widget secrets to key "${keyring.activeId}"\n`);
          const out = await rotateCredentials(store.db, keyring, (p) => {
            io.err(`  [${p.done}/${p.total}] ${p.tenantId} ${p.kind}\n`);
          });
          for (const f of out.failed) io.err(`  failed ${f.tenantId} ${f.kind}: ${f.error}\n`);
          if (values.json) printJson(io, { activeKeyId: keyring.activeId, ...out });
          else io.out(`re-encrypted ${out.rotated} secret(s); ${out.failed.length} failed\n`);
          return out.failed.length ? 1 : 0;
        });
      },
    ),
};
