#!/usr/bin/env node
// The published entry: runs the compiled CLI (built by `npm ci` through `prepare`).
import { main } from '../dist/src/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`channel-incentives: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
