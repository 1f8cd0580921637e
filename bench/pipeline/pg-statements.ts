// BENCH_PG_STATS=1: the statements that took the bench's own PostgreSQL server its time
// since the last pg_stat_statements_reset() (stack.ts loads the extension), heaviest first.
import type { Sql } from '../../src/store/sql.js';

export async function pgStatements(db: Sql, limit = 20): Promise<string[]> {
  const rows = await db.query<{ calls: string; ms: string; rows: string; query: string }>(
    `select calls::text, round(total_exec_time)::text as ms, rows::text,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
     from pg_stat_statements order by total_exec_time desc limit $1`,
    [limit],
  );
  return [
    '  PostgreSQL statements by total time (ms, calls, rows):',
    ...rows.map((r) => `  ${r.ms.padStart(8)} ${r.calls.padStart(7)} ${r.rows.padStart(8)}  ${r.query}`),
  ];
}
