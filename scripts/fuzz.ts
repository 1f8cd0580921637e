// `npm run fuzz`: 10,000 generated hostile requests per route against the real app
// (embedded store), then a summary. Exit 1 on any finding (5xx, undocumented status,
// an error without our error shape) or when the heap grew by more than 64 MB.
import { parseArgs } from 'node:util';
import { fuzzTarget } from '../test/proof/fuzz-target.js';
import { fuzzRoutes, settledHeapMb } from '../test/proof/http-fuzz.js';

const { values } = parseArgs({
  options: { 'per-route': { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } },
});
const perRoute = Number(values['per-route']);
if (!Number.isInteger(perRoute) || perRoute < 1) {
  console.error(`--per-route must be a whole number ≥ 1, not "${values['per-route']}"`);
  process.exit(2);
}
const { target, h } = await fuzzTarget();
console.log(`fuzz: ${target.routes.length + 1} routes (one of them random paths) × ${perRoute} requests`);
// Warm-up round first (JIT, compiled schemas, pools), so the heap check measures
// growth per request rather than start-up.
await fuzzRoutes(target, { perRoute: 100, seed: 0 });
const heapBefore = await settledHeapMb();
const report = await fuzzRoutes(target, {
  perRoute,
  seed: Number(values.seed),
  onProgress: (done, total) => {
    if (done % 10_000 === 0)
      process.stderr.write(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}\n`);
  },
});
const heapAfter = await settledHeapMb();
const leaked = h.logs().includes('canary-refresh-token');
await h.dispose();

const grew = heapAfter - heapBefore;
console.log(
  [
    `requests: ${report.requests.toLocaleString('en')} in ${(report.ms / 1000).toFixed(1)} s` +
      ` (${Math.round(report.requests / (report.ms / 1000)).toLocaleString('en')}/s)`,
    `statuses: ${Object.entries(report.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(', ')}`,
    `heap after GC: ${heapBefore} MB before, ${heapAfter} MB after (${grew >= 0 ? '+' : ''}${grew} MB)`,
    `findings: ${report.findings.length}${leaked ? '; a planted secret reached the logs' : ''}`,
    ...report.findings.map((f) => `  ${f.status} ← ${f.request}\n      ${f.body}`),
  ].join('\n'),
);
process.exit(report.findings.length > 0 || leaked || grew > 64 ? 1 : 0);
