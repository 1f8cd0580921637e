// The store's tenancy rules, checked structurally so a table or repository function
// added later cannot slip past them: every table carries the tenant id, and every
// repository function takes the tenant right after the connection — there is no
// "find by id" without a tenant. The few exceptions are listed with their reason.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

/** Tables without a tenant id. */
const TABLES_WITHOUT_TENANT: Record<string, string> = {
  schema_migrations: 'which migrations ran: the database’s, not a tenant’s',
};
/** Tables whose tenant id may be null. */
const NULLABLE_TENANT: Record<string, string> = {
  admin_keys: 'an operator key (tenant null) acts on every tenant',
};

/** Repository functions whose second parameter is not the tenant. */
const FUNCTIONS_WITHOUT_TENANT: Record<string, string> = {
  'admin-keys.repo.ts authenticateAdminKey': 'finds a key by its hash; the key names its tenant',
  'records.repo.ts analyzeRecordTables': 'planner statistics of the shared record tables, no rows read',
  'runs.repo.ts staleOpenRuns': 'the reconciler’s sweep over every tenant’s open runs',
  'tenants.repo.ts createTenant': 'makes the tenant (operator)',
  'tenants.repo.ts listTenants': 'the operator’s list of tenants',
  'tenants.repo.ts findTenantByOrg': 'which tenant a CRM org is (onboarding, pushes); answers the tenant',
  'widget-sessions.repo.ts insertSession': 'keyed by the token hash; the session row names its tenant',
  'widget-sessions.repo.ts findSession': 'finds a session by its token hash; the row names its tenant',
  'widget-sessions.repo.ts purgeExpired': 'upkeep over every tenant’s expired sessions',
  'widget-sessions.repo.ts insertOAuthState': 'keyed by the state hash; the row names its tenant',
  'widget-sessions.repo.ts takeOAuthState': 'finds a state by its hash; the row names its tenant',
};

/** Exported helpers of the repositories that do not touch the database. */
const NOT_QUERIES: Record<string, string> = {
  'admin-keys.repo.ts hashAdminKey': 'hashes a presented key',
  'results.repo.ts toResult': 'maps a row to a Result',
};

const REPOS = join(import.meta.dirname, '../../src/store/repos');

/** Every exported function of the repositories with its parameter types as written. */
function repositoryFunctions(): { name: string; params: string[] }[] {
  const out: { name: string; params: string[] }[] = [];
  for (const file of readdirSync(REPOS).filter((f) => f.endsWith('.ts'))) {
    const sf = ts.createSourceFile(
      file,
      readFileSync(join(REPOS, file), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const exported = (n: ts.Node) =>
      ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const add = (name: string, fn: ts.SignatureDeclarationBase) =>
      out.push({ name: `${file} ${name}`, params: fn.parameters.map((p) => p.type?.getText(sf) ?? '?') });
    for (const st of sf.statements) {
      if (!exported(st)) continue;
      if (ts.isFunctionDeclaration(st) && st.name) add(st.name.text, st);
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          const init = d.initializer;
          if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)))
            add(d.name.getText(sf), init);
        }
      }
    }
  }
  return out;
}

describe('tenancy of the store', () => {
  it('every repository function takes (sql, tenantId, …), but for the listed exceptions', () => {
    const fns = repositoryFunctions();
    expect(fns.length).toBeGreaterThan(60);
    expect(fns.filter((fn) => fn.params[0] !== 'Sql').map((fn) => fn.name)).toEqual(
      Object.keys(NOT_QUERIES).sort(),
    );
    const without = fns
      .filter((fn) => fn.params[0] === 'Sql')
      .filter((fn) => fn.params[1] !== 'TenantId' && fn.params[1] !== 'TenantId | null')
      .map((fn) => fn.name);
    expect(without.sort()).toEqual(Object.keys(FUNCTIONS_WITHOUT_TENANT).sort());
  });

  describe.each<StoreKind>(['pglite', 'postgres'])('tables on %s', (kind) => {
    let store: TestStore;
    beforeAll(async () => {
      store = await createTestStore(kind);
    });
    afterAll(async () => {
      await store?.dispose();
    });

    it('every table has a tenant_id column (not null), but for the listed exceptions', async () => {
      const rows = await store.db.query<{ table_name: string; nullable: string | null }>(
        `select t.table_name, c.is_nullable as nullable
         from information_schema.tables t
         left join information_schema.columns c
           on c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'tenant_id'
         where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
         order by 1`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(20);
      expect(rows.filter((r) => r.nullable === null).map((r) => r.table_name)).toEqual(
        Object.keys(TABLES_WITHOUT_TENANT).sort(),
      );
      expect(rows.filter((r) => r.nullable === 'YES').map((r) => r.table_name)).toEqual(
        Object.keys(NULLABLE_TENANT).sort(),
      );
    });
  });
});
