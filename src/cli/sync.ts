// `sync --tenant T [--full] [--wait] [--json]` and `recalc --tenant T [--period P]
// [--rescore-closed] [--wait] [--json]`. Contract (fixed): `sync --tenant T --full
// --wait` returns when the sync, the scoring and the write-back it started have
// finished — exit 0 — or failed — exit 1 with the reason. Progress goes to stderr.
//
// Where the work runs: with `npm start` up (the embedded server owns DATA_DIR), the
// command enqueues and the server's workers do it while this polls the run row.
// With no server in the embedded default, nobody else could: the command runs the
// pipeline's workers in-process until the run ends. With DATABASE_URL the workers
// of the deployment do it; `--in-process` runs them here instead.
import type { Command } from '../cli.js';
import { pipelineContext, startPipelineWorkers } from '../jobs/pipeline/index.js';
import { requestRun, waitForRun } from '../jobs/pipeline/runs.service.js';
import { createQueues } from '../jobs/queue-factory.js';
import { createLogger } from '../log.js';
import type { TenantId } from '../store/ids.js';
import type { Run, RunKind, RunOptions } from '../store/repos/runs.repo.js';
import { getTenant } from '../store/repos/tenants.repo.js';
import {
  type CliContext,
  parse,
  printJson,
  runCommand,
  tenantArg,
  UsageError,
  withContext,
} from './context.js';
import type { CommandIo } from './io.js';

const SYNC_HELP = `usage: channel-incentives sync --tenant T [--full] [--wait] [--json]

Starts a sync of the tenant's CRM records. Without --full: what changed since the
last sync (deletions included), and recalculation of the partners it touches.
  --full        re-read everything, score the tenant in one pass, write the results back
  --wait        return when the run has finished (exit 0) or failed (exit 1, with the reason);
                progress on stderr
  --in-process  run the workers in this process (DATABASE_URL deployments without a worker)
  --json        print the run as one JSON document
`;

const RECALC_HELP = `usage: channel-incentives recalc --tenant T [--period P] [--rescore-closed] [--wait] [--json]

Recalculates every partner of a period in one pass (after a plan change) and writes
changed results back to the CRM.
  --period P          the period (default: the active plan's current period), e.g. 2027-Q1
  --rescore-closed    allow re-scoring a closed period (statements frozen)
  --wait              return when the run has finished (exit 0) or failed (exit 1)
  --in-process        run the workers in this process
  --json              print the run as one JSON document
`;

const progressLine = (run: Run) => {
  const p = Object.entries(run.progress)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${run.runId} ${run.kind}: ${run.status}${p ? ` (${p})` : ''}${run.error ? ` — ${run.error}` : ''}\n`;
};

async function startAndMaybeWait(
  io: CommandIo,
  ctx: CliContext,
  tenantId: TenantId,
  kind: RunKind,
  options: RunOptions,
  flags: { wait: boolean; json: boolean; inProcess: boolean },
): Promise<number> {
  const { config, store, keyring } = ctx;
  if (!(await getTenant(store.db, tenantId))) throw new UsageError(`tenant ${tenantId} does not exist`);
  const queues = createQueues(
    config.redisUrl
      ? { kind: 'redis', url: config.redisUrl, prefix: config.queuePrefix }
      : { kind: 'postgres', connection: store.pgConnection },
  );
  // Nobody else can run the jobs when this process owns the embedded database.
  const local = flags.inProcess || store.embedded?.owner === true;
  try {
    // First contact may create BullMQ's tables (seconds on a busy machine), beyond an enqueue's deadline.
    await queues.ping(60_000);
    if (local) {
      const logger = createLogger(config.logLevel === 'debug' ? 'debug' : 'warn');
      startPipelineWorkers(pipelineContext({ store, queues, keyring, logger }));
    }
    const run = await requestRun(store.db, queues, tenantId, kind, options);
    if (!flags.wait && !local) {
      if (flags.json) printJson(io, run);
      else
        io.out(
          `${run.runId} ${kind} queued (follow it: GET /api/admin/tenants/${tenantId}/runs/${run.runId})\n`,
        );
      return 0;
    }
    if (!flags.wait) io.err('no server is running: the run is carried out here (as with --wait)\n');
    const started = Date.now();
    let hinted = false;
    const final = await waitForRun(store.db, tenantId, run.runId, {
      onProgress: (r) => {
        io.err(progressLine(r));
        if (!hinted && !local && r.status === 'queued' && Date.now() - started > 15_000) {
          hinted = true;
          io.err('still queued after 15 s: is a worker running? (--in-process runs the workers here)\n');
        }
      },
    });
    if (flags.json) printJson(io, final);
    else if (final.status === 'done') io.out(progressLine(final));
    if (final.status === 'failed') {
      io.err(`error: ${kind} run ${final.runId} failed: ${final.error ?? 'unknown reason'}\n`);
      return 1;
    }
    return 0;
  } finally {
    await queues.close();
  }
}

export const sync: Command = {
  summary: "sync a tenant's CRM records (--full: everything, scored and written back)",
  run: (argv, io) =>
    runCommand(io, argv, SYNC_HELP, async () => {
      const { values } = parse(argv, {
        tenant: { type: 'string' },
        full: { type: 'boolean' },
        wait: { type: 'boolean' },
        'in-process': { type: 'boolean' },
      });
      const tenantId = tenantArg(values.tenant);
      return withContext(io, (ctx) =>
        startAndMaybeWait(
          io,
          ctx,
          tenantId,
          values.full ? 'full' : 'incremental',
          {},
          {
            wait: values.wait === true,
            json: values.json === true,
            inProcess: values['in-process'] === true,
          },
        ),
      );
    }),
};

export const recalc: Command = {
  summary: 'recalculate a period for every partner of a tenant and write changes back',
  run: (argv, io) =>
    runCommand(io, argv, RECALC_HELP, async () => {
      const { values } = parse(argv, {
        tenant: { type: 'string' },
        period: { type: 'string' },
        'rescore-closed': { type: 'boolean' },
        wait: { type: 'boolean' },
        'in-process': { type: 'boolean' },
      });
      const tenantId = tenantArg(values.tenant);
      if (values.period !== undefined && !/^\d{4}(-(H[12]|Q[1-4]|\d{2}))?$/.test(values.period))
        throw new UsageError(
          `--period must be a period such as 2027-Q1, 2027-H1, 2027-03 or 2027 (got "${values.period}")`,
        );
      const options: RunOptions = {
        ...(values.period ? { period: values.period } : {}),
        ...(values['rescore-closed'] ? { rescoreClosed: true } : {}),
      };
      return withContext(io, (ctx) =>
        startAndMaybeWait(io, ctx, tenantId, 'recalc', options, {
          wait: values.wait === true,
          json: values.json === true,
          inProcess: values['in-process'] === true,
        }),
      );
    }),
};
