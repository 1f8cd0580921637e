// `npm run bench:acceptance`: the admin's whole path against each CRM sandbox at the
// issues' size — 2,000 partners, 50,000 deals — through the real server and CLI
// (test/acceptance/*-live-loop.ts), printing time and CRM calls (Zoho: and credits)
// per step. BENCH_PARTNERS / BENCH_DEALS override the size; BENCH_CRM=zoho|fxiaoke
// runs one.
import { cpus } from 'node:os';
import { fxiaokeLiveLoop } from '../test/acceptance/fxiaoke-live-loop.js';
import { type StepFigures, zohoLiveLoop } from '../test/acceptance/zoho-live-loop.js';
import { recordFigure } from './figures.js';

const partners = Number(process.env.BENCH_PARTNERS ?? 2000);
const deals = Number(process.env.BENCH_DEALS ?? 50_000);
const only = process.env.BENCH_CRM;
const progress = (l: string) => process.stderr.write(`  ${l}\n`);

function table(title: string, steps: StepFigures[], credits: boolean) {
  const w = Math.max(...steps.map((s) => s.step.length));
  console.log(
    `\n${title}\n${'step'.padEnd(w)}  ${'ms'.padStart(7)}  ${'calls'.padStart(5)}${credits ? `  ${'credits'.padStart(7)}` : ''}`,
  );
  for (const s of steps) {
    recordFigure({
      bench: 'acceptance',
      name: `${title}: ${s.step}`,
      value: `${(s.ms / 1000).toFixed(1)} s, ${s.calls} calls${credits ? `, ${s.credits} credits` : ''}`,
      goal: null,
      met: null,
      setup: `${partners} partners, ${deals} deals; embedded server (startRuntime) and the CLI`,
    });
    console.log(
      `${s.step.padEnd(w)}  ${String(s.ms).padStart(7)}  ${String(s.calls).padStart(5)}${credits ? `  ${String(s.credits).padStart(7)}` : ''}`,
    );
    if (s.detail) console.log(`${' '.repeat(w)}  ${s.detail}`);
  }
}

console.log(`acceptance loops: ${partners} partners, ${deals} deals; ${cpus().length} × ${cpus()[0]?.model}`);
if (!only || only === 'zoho') {
  const z = await zohoLiveLoop({ partners, deals, progress });
  table(`Zoho sandbox (credits as Zoho counts them)`, z.steps, true);
  console.log(`partner ${z.closed.partnerId} before: ${JSON.stringify(z.closed.before)}`);
  console.log(`partner ${z.closed.partnerId} after:  ${JSON.stringify(z.closed.after)}`);
}
if (!only || only === 'fxiaoke') {
  const f = await fxiaokeLiveLoop({ partners, accounts: partners * 4, opportunities: deals, progress });
  table('Fxiaoke sandbox', f.steps, false);
  console.log(`partner ${f.closed.partnerId} before: ${JSON.stringify(f.closed.before)}`);
  console.log(`partner ${f.closed.partnerId} after:  ${JSON.stringify(f.closed.after)}`);
}
process.exit(0);
