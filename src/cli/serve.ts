// `channel-incentives serve` (what `npm start` runs).
import type { Command } from '../cli.js';
import { runMain } from '../main.js';

export const command: Command = {
  summary: 'start the server (API and workers; --role api|worker|all)',
  run: async (argv, io) => {
    const code = await runMain(argv, io);
    // Stray handles (reconnecting clients) must not keep a stopped server alive.
    setTimeout(() => process.exit(code), 200).unref();
    return code;
  },
};
