// `npm run bench:acceptance`: the admin's whole path against the Zoho sandbox at the
// issue's size — 2,000 partners, 50,000 deals — through the real server and CLI
// (test/acceptance/zoho-live-loop.ts), printing time, CRM calls and credits per step.
// BENCH_PARTNERS / BENCH_DEALS override the size.
import { cpus } from 'node:os';
import { zohoLiveLoop } from '../test/acceptance/zoho-live-loop.js';

const partners = Number(process.env.BENCH_PARTNERS ?? 2000);
const deals = Number(process.env.BENCH_DEALS ?? 50_000);
console.log(
  `acceptance loop: Zoho sandbox, ${partners} partners, ${deals} deals; ${cpus().length} × ${cpus()[0]?.model}`,
);
const report = await zohoLiveLoop({ partners, deals, progress: (l) => process.stderr.write(`  ${l}\n`) });
const w = Math.max(...report.steps.map((s) => s.step.length));
console.log(`\n${'step'.padEnd(w)}  ${'ms'.padStart(7)}  ${'calls'.padStart(5)}  ${'credits'.padStart(7)}`);
for (const s of report.steps) {
  console.log(
    `${s.step.padEnd(w)}  ${String(s.ms).padStart(7)}  ${String(s.calls).padStart(5)}  ${String(s.credits).padStart(7)}`,
  );
  if (s.detail) console.log(`${' '.repeat(w)}  ${s.detail}`);
}
console.log(`\npartner ${report.closed.partnerId} before: ${JSON.stringify(report.closed.before)}`);
console.log(`partner ${report.closed.partnerId} after:  ${JSON.stringify(report.closed.after)}`);
process.exit(0);
